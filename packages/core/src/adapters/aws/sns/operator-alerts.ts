import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { alertText, type OperatorAlerts } from "../../../domain/alerts/index.ts";
import { AWS_CLIENT_TIMEOUTS } from "../clients/index.ts";

/** Alerts as SNS messages to the operators' topic (they add their own subscriptions: email, chat, paging). */
export function snsOperatorAlerts(
  topicArn: string,
  where: { logGroup?: string; stage?: string },
  client: SNSClient = new SNSClient(AWS_CLIENT_TIMEOUTS),
): OperatorAlerts {
  return {
    async alert(alert) {
      const { subject, message } = alertText(alert, where);
      // Subjects must be ASCII without line breaks (SNS rejects others).
      await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.replace(/[^\x20-\x7e]/g, "?"), Message: message }));
    },
  };
}
