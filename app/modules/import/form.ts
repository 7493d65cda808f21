/**
 * The import page's choices as the form posts them: the encoding (auto or one the importer knows), the two switches,
 * a workbook's sheet, and the column mapping the user corrected (`map:<header as in the file>` → a field, or "" to leave the column out).
 * Anything else posted is ignored, so a hand-made form can only choose among the same options.
 */
import { INCIDENT_FIELDS, type IncidentField } from "../incidents/schema";
import { ENCODINGS, type Encoding } from "./decode";
import type { PresetChoice } from "./pipeline";
import { PRESET_IDS } from "./presets";

export interface ImportFormChoices {
  /** As the select showed it, so the page can show it again. */
  encodingChoice: string;
  encoding: Encoding | "auto";
  skipInvalid: boolean;
  update: boolean;
  /** Undefined when the user changed nothing: the importer's own mapping is used. */
  mappingOverrides: Record<string, IncidentField | ""> | undefined;
  /** The file format chosen on the mapping screen (auto unless changed). */
  preset: PresetChoice;
  /** A saved mapping chosen by name ("" when none is chosen). */
  savedMapping: string;
  /** The name to save the current mapping under. */
  mappingName: string;
  /** A workbook's sheet chosen by name (the importer refuses a name the workbook does not have); undefined: the first. */
  sheet?: string;
}

const MAP_PREFIX = "map:";
/** The longest name a column mapping is saved under. */
export const MAPPING_NAME_MAX = 80;

export function readImportForm(form: FormData): ImportFormChoices {
  const encodingChoice = String(form.get("encoding") ?? "auto");
  const encoding = (ENCODINGS as readonly string[]).includes(encodingChoice) ? (encodingChoice as Encoding) : "auto";
  // No prototype: a header may be called "__proto__" or "constructor".
  const overrides: Record<string, IncidentField | ""> = Object.create(null);
  for (const [key, value] of form.entries()) {
    if (!key.startsWith(MAP_PREFIX)) continue;
    const field = String(value);
    overrides[key.slice(MAP_PREFIX.length)] = (INCIDENT_FIELDS as readonly string[]).includes(field) ? (field as IncidentField) : "";
  }
  const presetChoice = String(form.get("preset") ?? "auto");
  const preset: PresetChoice = presetChoice === "none" || (PRESET_IDS as readonly string[]).includes(presetChoice) ? (presetChoice as PresetChoice) : "auto";
  const sheet = form.get("sheet");
  return {
    preset,
    savedMapping: String(form.get("savedMapping") ?? "").trim(),
    mappingName: String(form.get("mappingName") ?? ""),
    encodingChoice,
    encoding,
    skipInvalid: form.get("skipInvalid") === "on",
    update: form.get("update") === "on",
    mappingOverrides: Object.keys(overrides).length ? overrides : undefined,
    ...(typeof sheet === "string" && sheet !== "" ? { sheet } : {}),
  };
}
