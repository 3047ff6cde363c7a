/** Sends one MIME message to the recipients its headers name (SES in AWS). */
export interface EmailSender {
  send(raw: Buffer): Promise<void>;
}

/** Makes download links to report files that work without AWS credentials until they expire. */
export interface LinkSigner {
  /** A link to the object `key` of the reports bucket. */
  link(key: string): Promise<string>;
  /** Until when the links made now work (ISO time). */
  expiresAt(): string;
}
