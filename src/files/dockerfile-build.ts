// The builder stage of the Dockerfile: the app's dependencies installed into /opt/venv with the
// app's own manager, then the kit's production packages. Built as data here so the template stays
// a plain layout, and each manager's steps read in one place.
import type { Plan } from "../plan.js";
import { PIPENV_VERSION, POETRY_EXPORT_VERSION, POETRY_VERSION } from "../stacks/runtime-pins.js";

export interface BuilderSteps {
  /** Tools the install needs, as one RUN (system packages, Poetry). */
  setup?: string;
  setupComment?: string;
  /** hadolint rules the setup RUN knowingly breaks (with the reason in setupComment). */
  setupIgnore?: string;
  uv: boolean;
  /** COPY arguments, one instruction each (paths keep their folders so `-r` includes resolve). */
  copies: string[];
  comments: string[];
  install: string;
}

const AND = " \\\n    && ";
const quoted = (reqs: string[]) => reqs.map((r) => `"${r}"`).join(" ");

export function builderSteps(plan: Plan): BuilderSteps {
  const deps = plan.dependencies;
  const setup: string[] = [];
  const comments: string[] = [];
  let setupComment: string | undefined;
  let setupIgnore: string | undefined;
  if (deps.buildsPsycopg2) {
    setupComment = "psycopg2 builds from source: a compiler and libpq's headers, in this stage only (Debian pins them per release).";
    setupIgnore = "DL3008";
    setup.push("apt-get update", "apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev", "rm -rf /var/lib/apt/lists/*");
  }
  // The kit's packages install against the versions the app resolved: a conflict fails the build
  // instead of silently upgrading (say) the app's Django.
  const extras = (pip: string, freeze: string) =>
    deps.extra.length ? [`${freeze} > /tmp/app-constraints.txt`, `${pip} -c /tmp/app-constraints.txt ${quoted(deps.extra)}`] : [];
  const pipInstall = "/opt/venv/bin/pip install --no-cache-dir";
  const pipFreeze = "/opt/venv/bin/pip freeze --exclude-editable";
  const keepVersions = () => {
    if (deps.extra.length) comments.push("The kit's production packages are installed without changing any version the app resolved.");
  };

  let copies: string[];
  let install: string[];
  let uv = false;
  switch (deps.manager) {
    case "pip":
      copies = deps.installsProject ? [". ."] : deps.requirementFiles.map((f) => `${f} ${f}`);
      if (deps.installsProject) comments.unshift("The requirements install the project itself (`.`), so the whole source is needed here.");
      install = ["python -m venv /opt/venv", `${pipInstall} -r ${deps.requirementFiles[0]}`, ...extras(pipInstall, pipFreeze)];
      keepVersions();
      break;
    case "poetry":
      setup.push(`pip install --no-cache-dir "poetry==${POETRY_VERSION}" "poetry-plugin-export==${POETRY_EXPORT_VERSION}"`);
      setupComment ??= "Poetry only exports the locked requirements; the app's virtualenv never contains Poetry itself.";
      copies = deps.lockfile ? ["pyproject.toml poetry.lock ./"] : ["pyproject.toml ./"];
      if (!deps.lockfile) comments.unshift("No poetry.lock yet: it is resolved here, so builds are not reproducible. Run `poetry lock`, commit it, and run `create-prod-kit update`.");
      install = [
        ...(deps.lockfile ? [] : ["poetry lock"]),
        "poetry export --only main --format requirements.txt --output /tmp/requirements.txt",
        "python -m venv /opt/venv",
        `${pipInstall} -r /tmp/requirements.txt`,
        ...extras(pipInstall, pipFreeze),
      ];
      keepVersions();
      break;
    case "pipenv":
      setup.push(`pip install --no-cache-dir "pipenv==${PIPENV_VERSION}"`);
      setupComment ??= "Pipenv only exports the locked requirements; the app's virtualenv never contains Pipenv itself.";
      copies = deps.lockfile ? ["Pipfile Pipfile.lock ./"] : ["Pipfile ./"];
      if (!deps.lockfile) comments.unshift("No Pipfile.lock yet: it is resolved here, so builds are not reproducible. Run `pipenv lock`, commit it, and run `create-prod-kit update`.");
      install = [
        ...(deps.lockfile ? [] : ["pipenv lock"]),
        "pipenv requirements > /tmp/requirements.txt",
        "python -m venv /opt/venv",
        `${pipInstall} -r /tmp/requirements.txt`,
        ...extras(pipInstall, pipFreeze),
      ];
      keepVersions();
      break;
    case "uv": {
      uv = true;
      const uvPip = "uv pip install --no-cache --python /opt/venv/bin/python";
      if (deps.lockfile) {
        copies = ["pyproject.toml uv.lock ./"];
        install = [
          "uv sync --locked --no-dev --no-install-project --no-cache --python /usr/local/bin/python",
          ...extras(uvPip, "uv pip freeze --python /opt/venv/bin/python --exclude-editable"),
        ];
        keepVersions();
      } else {
        comments.unshift("No uv.lock yet: installs the ranges in pyproject.toml. Run `uv lock`, commit it, and run `create-prod-kit update`.");
        copies = ["pyproject.toml ./"];
        // One resolution for the app and the kit's packages: a conflict fails the build.
        install = ["uv venv --python /usr/local/bin/python /opt/venv", `${uvPip} -r pyproject.toml${deps.extra.length ? ` ${quoted(deps.extra)}` : ""}`];
      }
      break;
    }
  }
  return {
    setup: setup.length ? setup.join(AND) : undefined,
    setupComment: setup.length ? setupComment : undefined,
    setupIgnore,
    uv,
    copies,
    comments,
    install: install.join(AND),
  };
}
