import type { PlatformId } from "../answers.js";
import { easypanel } from "./easypanel.js";
import type { PlatformModule } from "./platform.js";
import { railway } from "./railway.js";
import { render } from "./render.js";
import { vps } from "./vps.js";

export const platforms: Record<PlatformId, PlatformModule> = { render, railway, vps, easypanel };
