import type { StackId } from "../answers.js";
import { djangoCelery } from "./django-celery.js";
import { djangoChannels } from "./django-channels.js";
import { fastapiChatwoot } from "./fastapi-chatwoot.js";
import type { StackModule } from "./stack.js";

export const stacks: Record<StackId, StackModule> = {
  "django-celery": djangoCelery,
  "django-channels": djangoChannels,
  "fastapi-chatwoot": fastapiChatwoot,
};
