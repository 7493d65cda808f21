import { useActionData } from "@remix-run/react";
import { useT } from "~/i18n/use-t";
import { isFormReply, isRetryReply, type FormReply } from "~/modules/forms";
import type { Message } from "~/i18n";

/** The reply of the page's last form post when it failed, with its messages translated; null when it did not fail. */
export interface FormReplyView<V> extends FormReply<V> {
  /** The whole form's message, translated (undefined when there is none). */
  summary: string | undefined;
  /** A field's message, translated (undefined when the field is fine). */
  fieldError: (name: string) => string | undefined;
}

/**
 * How every form reads a failed post (docs/decisions/0013-one-error-path.md): the action answered a `FormReply`, or
 * this is null. `V` is the type of the values the form shows again.
 */
export function useFormReply<V = Record<string, string>>(): FormReplyView<V> | null {
  const result = useActionData();
  const { t } = useT();
  // A post the server could not take now is DraftKeeper's to show: the page keeps the form as typed.
  if (!isFormReply(result) || isRetryReply(result)) return null;
  const reply = result as unknown as FormReply<V>;
  const text = (m: Message | null | undefined) => (m ? t(m.key, m.params) : undefined);
  // A conflict's message is the heading of its panel (ConflictPanel), not a second summary.
  return { ...reply, summary: reply.conflict ? undefined : text(reply.error), fieldError: (name) => text(reply.fieldErrors[name]) };
}

type ActionData<A> = NonNullable<ReturnType<typeof useActionData<A>>>;

/**
 * For a page whose action also answers with data of its own (a saved notice, a one-time password): that data when
 * the last post went through, and the failed post's reply otherwise.
 */
export function useActionResult<A, V = Record<string, string>>(): {
  done: Exclude<ActionData<A>, { fieldErrors: unknown }> | null;
  failed: FormReplyView<V> | null;
} {
  const data = useActionData<A>();
  const failed = useFormReply<V>();
  return { done: data === undefined || isFormReply(data) ? null : (data as Exclude<ActionData<A>, { fieldErrors: unknown }>), failed };
}
