/**
 * Timeouts for every AWS client the functions make. The SDK's default is none: a connection that
 * goes quiet (a request unanswered, a body that stops arriving) would hold a step until Lambda
 * ends it at 15 minutes, a timeout no retrier of the workflow matches as a store error. With an
 * idle limit the call fails with a TimeoutError, which the SDK retries, and a body read resumes
 * where it stopped. 60 s of silence: a large CopyObject inside S3 may be quiet for a while.
 */
export const AWS_CLIENT_TIMEOUTS = { requestHandler: { connectionTimeout: 5_000, socketTimeout: 60_000 } } as const;
