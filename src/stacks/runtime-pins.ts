// Versions the kit pins. One place, so a bump is one reviewed change (and a snapshot diff).

/** Newest patch release of each supported Python minor with a slim Debian 12 image (2026-11). */
export const PYTHON_PATCHES: Record<string, string> = {
  "3.10": "3.10.22",
  "3.11": "3.11.17",
  "3.12": "3.12.15",
  "3.13": "3.13.16",
  "3.14": "3.14.8",
};
export const DEFAULT_PYTHON = "3.12";
/** The first patch of each minor with a -slim-bookworm image (bookworm images began in June 2023). */
const FIRST_BOOKWORM_PATCH: Record<string, number> = { "3.10": 12, "3.11": 4, "3.12": 0, "3.13": 0, "3.14": 0 };

/** Why a Python version has no slim Debian 12 image, or undefined when it has one. */
export function pythonImageProblem(version: string): string | undefined {
  const [major, minor, patch] = version.split(".");
  const mm = `${major}.${minor}`;
  if (patch === undefined || !(mm in PYTHON_PATCHES)) return undefined;
  const first = FIRST_BOOKWORM_PATCH[mm]!;
  const last = Number(PYTHON_PATCHES[mm]!.split(".")[2]);
  if (Number(patch) < first || Number(patch) > last)
    return `has no python:${version}-slim-${DEBIAN_RELEASE} image: use ${mm} (builds ${PYTHON_PATCHES[mm]}) or a patch from ${mm}.${first} to ${mm}.${last}`;
  return undefined;
}
export const DEBIAN_RELEASE = "bookworm";

export function pythonImage(version: string): { version: string; image: string } {
  const [major, minor, patch] = version.split(".");
  const mm = `${major}.${minor}`;
  const full = patch !== undefined ? version : (PYTHON_PATCHES[mm] ?? `${mm}.0`);
  return { version: full, image: `python:${full}-slim-${DEBIAN_RELEASE}` };
}

export type ProdPackage =
  | "gunicorn"
  | "uvicorn-worker"
  | "uvicorn"
  | "whitenoise"
  | "dj-database-url"
  | "sentry-sdk"
  | "psycopg"
  | "channels-redis";

/**
 * Production-only packages, pinned; each is installed only when the app does not declare it.
 * gunicorn stays on 24.1 (forwarded_allow_ips takes CIDR ranges since 24.1): 25 and later open a
 * control socket under $HOME by default, which fails for the image's home-less app user.
 * uvicorn-worker 0.4 is the release that works with uvicorn >= 0.36.
 */
const MODERN: Record<ProdPackage, string> = {
  gunicorn: "gunicorn==24.1.1",
  "uvicorn-worker": "uvicorn-worker==0.4.0",
  uvicorn: "uvicorn[standard]==0.46.0",
  whitenoise: "whitenoise==6.12.0",
  "dj-database-url": "dj-database-url==2.3.0",
  "sentry-sdk": "sentry-sdk==2.66.1",
  psycopg: "psycopg[binary]==3.3.9",
  "channels-redis": "channels-redis==4.3.0",
};

/**
 * Django 3.2 to 4.1: whitenoise 6.8 and dj-database-url 2.3 require Django 4.2, and Django before
 * 4.2 cannot use psycopg 3. Pinning the newer ones would make pip upgrade the app's Django.
 */
const BEFORE_DJANGO_42: Partial<Record<ProdPackage, string>> = {
  whitenoise: "whitenoise==6.7.0",
  "dj-database-url": "dj-database-url==2.2.0",
  psycopg: "psycopg2-binary==2.9.11",
};

/** Any of these names already provides the package (psycopg2 is as good a driver as psycopg 3). */
const PROVIDED_BY: Partial<Record<ProdPackage, string[]>> = {
  psycopg: ["psycopg", "psycopg2", "psycopg2-binary", "psycopg-binary"],
};

/** The pinned requirement for a package, for an app whose Django is (or is not) older than 4.2. */
export function pin(p: ProdPackage, djangoBefore42 = false): string {
  return (djangoBefore42 ? BEFORE_DJANGO_42[p] : undefined) ?? MODERN[p];
}

export function missingPackages(wanted: ProdPackage[], declared: Set<string>, djangoBefore42 = false): string[] {
  return wanted.filter((p) => !(PROVIDED_BY[p] ?? [p]).some((name) => declared.has(name))).map((p) => pin(p, djangoBefore42));
}

export const POETRY_VERSION = "2.4.3";
export const POETRY_EXPORT_VERSION = "1.10.0";
export const PIPENV_VERSION = "2024.0.1";
export const UV_IMAGE = "ghcr.io/astral-sh/uv:0.12.23";
