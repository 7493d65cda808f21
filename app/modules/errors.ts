import type { Message, MessageKey, Params } from "~/i18n";

export type { Message };

/** Messages per form field (`email`, `owner_3` …), to show beside each input. `_form` is not a field: use `error`. */
export type FieldErrors = Record<string, Message>;

export interface AppErrorOptions {
  params?: Params;
  /** The message per form field this error concerns; a form shows them beside its inputs. */
  fieldErrors?: FieldErrors;
  /** For the log only: what happened underneath. */
  cause?: unknown;
  /** For the log only: the error's `message` (the message key when absent). */
  logMessage?: string;
}

const BRAND = Symbol.for("kasuhara.AppError");

/**
 * The one error type of the app: an HTTP status, the message shown to the user (a dictionary key and its parameters),
 * the field errors of a form when it concerns fields, and the cause for the log. Modules and routes throw it; it
 * reaches the user through app/modules/http.server.ts (a page through the root error boundary, or a form's reply).
 * Users never see the cause or a stack trace. docs/decisions/0013-one-error-path.md
 */
export class AppError extends Error {
  /** Marks an AppError across copies of this module (the server build bundles its own; scripts/server.ts imports this one). */
  readonly [BRAND] = true;
  readonly params?: Params;
  readonly fieldErrors: FieldErrors;

  constructor(
    public readonly status: number,
    public readonly userMessage: MessageKey,
    options: AppErrorOptions = {},
  ) {
    super(options.logMessage ?? userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.params = options.params;
    this.fieldErrors = options.fieldErrors ?? {};
  }

  /** What the user reads: the key and its parameters. */
  get userFacing(): Message {
    return this.params ? { key: this.userMessage, params: this.params } : { key: this.userMessage };
  }
}

/** Whether `e` is an AppError, also one made by another copy of this module (see BRAND). */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (typeof e === "object" && e !== null && (e as { [BRAND]?: unknown })[BRAND] === true);
}
