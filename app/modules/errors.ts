import type { MessageKey } from "~/i18n/ja";

/**
 * The one error type of the app: an HTTP status, the message key shown to the user, and the cause for the log.
 * Routes throw it; the root error boundary turns it into a page. Users never see the cause or a stack trace.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly userMessage: MessageKey,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? userMessage, options);
    this.name = "AppError";
  }
}
