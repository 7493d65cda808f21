/**
 * `npm run user -- add --email E --role admin|hr|supervisor|executive [--department D] --password-stdin`
 * (docs/spec/reports.md, a contract). Extensions: without --password-stdin a one-time password is generated and
 * printed (it must be changed at first sign-in); `--name N` sets the display name; `npm run user -- list [--json]`.
 *
 * Exit status: 0 done; 1 refused (invalid e-mail, role, password, or the e-mail is taken); 2 wrong command line.
 */
import os from "node:os";
import { openDatabase } from "../db/client.server";
import { translate } from "../app/i18n";
import type { Actor } from "../app/modules/auth/audit.server";
import { newPasswordSchema, userFieldsSchema } from "../app/modules/auth/schema";
import { createUser, listUsers } from "../app/modules/auth/users.server";
import { decodeMessage } from "../app/modules/incidents/schema";
import { AppError } from "../app/modules/errors";
import { parseCommandLine, usageError } from "./command-line";

const USAGE =
  "usage: npm run user -- add --email E --role admin|hr|supervisor|executive [--department D] [--name N] [--password-stdin]\n" +
  "       npm run user -- list [--json]";

function usage(message: string): never {
  return usageError(message, USAGE);
}

function refuse(message: string): never {
  console.error(message);
  process.exit(1);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing line break is what `echo` and a here-string add; it is not part of the password.
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

const args = parseCommandLine({
  allowPositionals: true,
  options: {
    email: { type: "string" },
    role: { type: "string" },
    department: { type: "string" },
    name: { type: "string" },
    "password-stdin": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
}, USAGE);
const { values: opts, positionals } = args;
const command = positionals[0];
const actor: Actor = { userId: null, name: `${os.userInfo().username} (cli)`, ip: null };

if (command === "list") {
  const db = openDatabase();
  const users = listUsers(db);
  if (opts.json) process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
  else {
    for (const u of users) {
      console.log(`${u.email}\t${u.role}\t${u.department ?? ""}\t${translate("ja", u.disabledAt ? "cli.user.disabled" : "cli.user.enabled")}`);
    }
  }
  db.$client.close();
} else if (command === "add") {
  if (!opts.email || !opts.role) usage("--email and --role are required");
  const parsed = userFieldsSchema.safeParse({
    email: opts.email,
    displayName: opts.name ?? "",
    role: opts.role,
    department: opts.department ?? "",
  });
  if (!parsed.success) {
    refuse(parsed.error.issues.map((i) => `${String(i.path[0])}: ${translate("ja", decodeMessage(i.message).key, decodeMessage(i.message).params)}`).join("\n"));
  }
  let password: string | undefined;
  if (opts["password-stdin"]) {
    password = await readStdin();
    const check = newPasswordSchema.safeParse(password);
    if (!check.success) {
      const m = decodeMessage(check.error.issues[0].message);
      refuse(`password: ${translate("ja", m.key, m.params)}`);
    }
  }
  const db = openDatabase();
  try {
    // The command line sets a system up: a department named here is added to the master if it is new (the web pages
    // only offer the master's list). A name merged away is its merge target.
    const { id, oneTimePassword } = await createUser(db, parsed.data, actor, { password, departments: "create" });
    console.log(translate("ja", "cli.user.added", { email: parsed.data.email, role: parsed.data.role, id }));
    if (oneTimePassword) {
      console.log(translate("ja", "cli.user.oneTimePassword", { password: oneTimePassword }));
      console.log(translate("ja", "cli.user.mustChange"));
    }
  } catch (e) {
    if (e instanceof AppError) refuse(translate("ja", e.userMessage));
    throw e;
  } finally {
    db.$client.close();
  }
} else {
  usage(command ? `unknown command: ${command}` : "a command is required");
}
