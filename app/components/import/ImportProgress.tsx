/**
 * The import page's progress bar (docs/decisions/0020). While an import form is being submitted, the bar follows the
 * import as the server streams it (Server-Sent Events from /import/progress/<id>): the stage, a real <progress>,
 * rows read, rows per second and the time left. Each form carries a fresh random id (`ProgressIdField`) that names
 * its import. Without JavaScript the id is empty, the forms work as before and no bar is shown.
 */
import { useNavigation } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { useT } from "~/i18n/use-t";
import { describeProgress, type ImportProgress as Progress } from "~/modules/import/progress";

/** A random URL-safe id (22 characters, 128 bits). getRandomValues, unlike randomUUID, also works over plain http. */
function newProgressId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The hidden `progressId` of an import form: empty until the page runs, then new for every submission. */
export function ProgressIdField() {
  const navigation = useNavigation();
  const [id, setId] = useState("");
  useEffect(() => {
    if (navigation.state === "idle") setId(newProgressId());
  }, [navigation.state]);
  return <input type="hidden" name="progressId" value={id} />;
}

/** The id of the import being submitted, if the submitted form carried one. */
function submittedProgressId(navigation: ReturnType<typeof useNavigation>): string | null {
  if (navigation.state === "idle") return null;
  const id = navigation.formData?.get("progressId");
  return typeof id === "string" && id !== "" ? id : null;
}

export function ImportProgress() {
  const navigation = useNavigation();
  const { t } = useT();
  const labelId = useId();
  const id = submittedProgressId(navigation);
  const uploading = navigation.formEncType === "multipart/form-data";
  const [progress, setProgress] = useState<Progress | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setProgress(null);
    if (!id) return;
    const events = new EventSource(`/import/progress/${encodeURIComponent(id)}`);
    events.addEventListener("progress", (e) => setProgress(JSON.parse((e as MessageEvent<string>).data) as Progress));
    events.addEventListener("done", () => events.close());
    // A refused or broken stream: the import goes on; the bar just stops moving (no reconnect storm).
    events.onerror = () => {
      if (events.readyState === EventSource.CLOSED) events.close();
    };
    return () => events.close();
  }, [id]);

  // The commit button is far down the page (below the mapping): bring the bar into sight when it appears.
  useEffect(() => {
    if (id) box.current?.scrollIntoView({ block: "nearest" });
  }, [id]);

  if (!id) return null;
  const said = progress ? describeProgress(progress, t) : null;
  const stage = said?.stage ?? (uploading ? t("importProgress.uploading") : t("importProgress.label"));
  const percent = progress ? Math.round(progress.fraction * 1000) / 10 : undefined;
  return (
    <div className="card import-progress" ref={box}>
      <p className="import-progress-stage" id={labelId}>
        {/* Only the stage is announced (politely), not every number: a screen reader reads the bar's text on demand. */}
        <span role="status" aria-live="polite">
          {stage}
        </span>
      </p>
      <progress
        max={100}
        value={percent}
        aria-labelledby={labelId}
        aria-valuetext={said ? `${said.stage}: ${said.text}` : stage}
      />
      <p className="import-progress-detail" aria-hidden="true">
        {percent !== undefined ? <strong>{Math.floor(percent)}%</strong> : null}
        {said?.parts.map((part, i) => <span key={i}>{part}</span>)}
      </p>
    </div>
  );
}
