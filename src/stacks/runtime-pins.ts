// Versions the kit pins. One place, so a bump is one reviewed change (and a snapshot diff).

/** Newest patch release of each supported Python minor with a slim Debian image. */
export const PYTHON_PATCHES: Record<string, string> = {
  "3.10": "3.10.19",
  "3.11": "3.11.14",
  "3.12": "3.12.12",
  "3.13": "3.13.9",
  "3.14": "3.14.0",
};
export const DEFAULT_PYTHON = "3.12";
export const DEBIAN_RELEASE = "bookworm";

export function pythonImage(version: string): { version: string; image: string } {
  const [major, minor, patch] = version.split(".");
  const mm = `${major}.${minor}`;
  const full = patch !== undefined ? version : (PYTHON_PATCHES[mm] ?? `${mm}.0`);
  return { version: full, image: `python:${full}-slim-${DEBIAN_RELEASE}` };
}

/** Production-only packages, pinned; each is installed only when the app does not declare it. */
export const PROD_PACKAGES = {
  gunicorn: "gunicorn==23.0.0",
  "uvicorn-worker": "uvicorn-worker==0.3.0",
  uvicorn: "uvicorn[standard]==0.34.0",
  whitenoise: "whitenoise==6.9.0",
  "dj-database-url": "dj-database-url==2.3.0",
  "sentry-sdk": "sentry-sdk==2.20.0",
  psycopg: "psycopg[binary]==3.2.4",
  "channels-redis": "channels-redis==4.2.1",
} as const;
export type ProdPackage = keyof typeof PROD_PACKAGES;

/** Any of these names already provides the package (psycopg2 is as good a driver as psycopg 3). */
const PROVIDED_BY: Partial<Record<ProdPackage, string[]>> = {
  psycopg: ["psycopg", "psycopg2", "psycopg2-binary", "psycopg-binary"],
};

export function missingPackages(wanted: ProdPackage[], declared: Set<string>): string[] {
  return wanted
    .filter((p) => !(PROVIDED_BY[p] ?? [p]).some((name) => declared.has(name)))
    .map((p) => PROD_PACKAGES[p]);
}

export const POETRY_VERSION = "2.1.3";
export const POETRY_EXPORT_VERSION = "1.9.0";
export const UV_IMAGE = "ghcr.io/astral-sh/uv:0.9.5";
