// Cloudinary (cloudinary, django-cloudinary-storage): the library reads CLOUDINARY_URL itself; apps
// that configure it from three settings instead need those.
import { user, type IntegrationSpec } from "./spec.js";

export const cloudinary: IntegrationSpec = {
  id: "cloudinary",
  title: "Cloudinary",
  packages: ["cloudinary", "django-cloudinary-storage"],
  prefixes: ["CLOUDINARY_"],
  imports: /^\s*(?:import cloudinary|from cloudinary\b)|cloudinary_storage/m,
  vars: () => [
    {
      name: "CLOUDINARY_URL",
      description: "Cloudinary credentials as cloudinary://API_KEY:API_SECRET@CLOUD_NAME.",
      secret: true,
      source: user(),
      where: "Cloudinary Console → **Settings** → **API Keys**: the **API environment variable** (`cloudinary://…`).",
      libraryReads: true,
      replacedBy: /^CLOUDINARY_(?:API_SECRET|API_KEY|CLOUD_NAME)$/,
    },
    {
      name: "CLOUDINARY_CLOUD_NAME",
      description: "Cloudinary cloud name.",
      secret: false,
      source: user(),
      where: "Cloudinary Console → **Dashboard**: **Cloud name**.",
      optional: true,
    },
    {
      name: "CLOUDINARY_API_KEY",
      description: "Cloudinary API key (not secret on its own).",
      secret: false,
      source: user(),
      where: "Cloudinary Console → **Settings** → **API Keys**.",
      optional: true,
    },
    {
      name: "CLOUDINARY_API_SECRET",
      description: "Cloudinary API secret.",
      secret: true,
      source: user(),
      where: "Cloudinary Console → **Settings** → **API Keys**: the key's secret.",
      optional: true,
    },
  ],
  rotation: () => "**Settings** → **API Keys** → **Generate New API Key**, deploy the new key and secret, then deactivate the old key.",
  checklist: () => ["Cloudinary: uploads are signed by the server (no unsigned upload preset is enabled), and the plan's usage limits fit the traffic."],
};
