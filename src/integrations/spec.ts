// What the kit knows about one third-party integration: how to tell an app uses it, the variables
// it needs (and the other names apps give them), where each key comes from, its webhook, how to
// rotate its keys, and what to check before going live. One file per integration describes it.
import type { EnvSource } from "../plan.js";

export interface VarSpec {
  /** The kit's name for it, used when the code reads none of its names. */
  name: string;
  /** Other names apps give the same value: a name the code reads wins over `name`. */
  aliases?: RegExp;
  description: string;
  secret: boolean;
  source: EnvSource;
  /** Where a person gets the value (Markdown, one sentence), for the runbook. */
  where: string;
  /** The library reads `name` from the environment by itself (Twilio's Client(), boto3, openai): kept even when the code reads only others of the integration's variables. */
  libraryReads?: boolean;
  /** Listed only when the code reads it. */
  optional?: boolean;
  /** Not needed when the code reads one of these names instead (Cloudinary's three settings instead of CLOUDINARY_URL). */
  replacedBy?: RegExp;
}

/** A dependency that brings the integration; with `usedWhen`, only if the code also shows that use (boto3 for S3). */
export type PackageRule = string | { name: string; usedWhen: RegExp };

/** The app's names for the integration's variables, for the docs. */
export interface DocsNames {
  /** The name this app gives the variable the kit calls `standard` (the standard name when it has none). */
  of(standard: string): string;
  /** The app needs it (it is in the plan). */
  has(standard: string): boolean;
  /** Where the code reads it, when it does. */
  readAt(standard: string): string | undefined;
}

export interface IntegrationSpec {
  id: string;
  title: string;
  /** Declared dependencies that bring it, any of them (normalised names). */
  packages: PackageRule[];
  /** Detected without a package too: this text in the code, or a variable the code reads with one of `prefixes`. */
  markers?: RegExp;
  /** Other variables the code reads with these prefixes belong to the integration too. */
  prefixes: string[];
  /** Where the code shows it (an import, a host name): the first match is where a detection by package points to. */
  imports: RegExp;
  vars(deps: ReadonlySet<string>): VarSpec[];
  /** Its webhook: words that mark the receiving route's path, and what to do with it (Markdown). */
  webhook?: {
    words: RegExp;
    /** Listed only when the code has such a route (SendGrid's event webhook). */
    optional?: boolean;
    /** Where the URL is registered, given the URL as Markdown. */
    register(url: string): string;
    /** How each delivery is verified. */
    verify(names: DocsNames): string;
  };
  /** Further runbook notes (Markdown, one sentence each). */
  notes?(names: DocsNames): string[];
  /** How to rotate its keys (Markdown, one paragraph). */
  rotation(names: DocsNames): string;
  /** Items for the production checklist (Markdown, without the checkbox). */
  checklist(names: DocsNames): string[];
}

/** A user-supplied value. */
export const user = (example = ""): EnvSource => ({ kind: "user", example });
