// S3 or S3-compatible object storage, through django-storages or boto3: credentials boto3 reads
// itself, the bucket and region django-storages needs, and an endpoint for R2, Spaces or MinIO.
import { user, type IntegrationSpec } from "./spec.js";

const S3_STORAGE = /storages\.backends\.s3\w*|S3Boto3Storage|\bS3Storage\b/;

export const s3: IntegrationSpec = {
  id: "s3",
  title: "S3 storage",
  packages: [
    { name: "django-storages", usedWhen: S3_STORAGE },
    { name: "boto3", usedWhen: new RegExp(`["']s3["']|${S3_STORAGE.source}`) },
  ],
  prefixes: ["AWS_"],
  imports: new RegExp(`${S3_STORAGE.source}|["']s3["']`),
  vars: () => [
    {
      name: "AWS_ACCESS_KEY_ID",
      aliases: /^(?:AWS_S3_ACCESS_KEY_ID|AWS_ACCESS_KEY|S3_ACCESS_KEY(?:_ID)?)$/,
      description: "Access key id of an IAM user (or the provider's key) that may use only this bucket.",
      secret: true,
      source: user(),
      where: "AWS → **IAM** → a user for this app only → **Security credentials** → **Create access key**, with a policy limited to the bucket (`s3:GetObject`, `s3:PutObject`, `s3:DeleteObject`, `s3:ListBucket`); other providers issue their own keys.",
      libraryReads: true,
    },
    {
      name: "AWS_SECRET_ACCESS_KEY",
      aliases: /^(?:AWS_S3_SECRET_ACCESS_KEY|AWS_SECRET_KEY|S3_SECRET(?:_ACCESS)?_KEY)$/,
      description: "Secret of that access key.",
      secret: true,
      source: user(),
      where: "Shown once, when the access key is created.",
      libraryReads: true,
    },
    {
      name: "AWS_STORAGE_BUCKET_NAME",
      aliases: /^(?:AWS_S3_BUCKET(?:_NAME)?|AWS_BUCKET(?:_NAME)?|S3_BUCKET(?:_NAME)?)$/,
      description: "Bucket the app stores its files in.",
      secret: false,
      source: user(),
      where: "The bucket you created for production (S3 → **Buckets**).",
    },
    {
      name: "AWS_S3_REGION_NAME",
      aliases: /^(?:AWS_REGION|AWS_DEFAULT_REGION|AWS_S3_REGION|S3_REGION(?:_NAME)?)$/,
      description: "Region of the bucket.",
      secret: false,
      source: user("us-east-1"),
      where: "The bucket's region (S3 → the bucket → **Properties**; `auto` on Cloudflare R2).",
    },
    {
      name: "AWS_S3_ENDPOINT_URL",
      aliases: /^(?:AWS_ENDPOINT_URL(?:_S3)?|S3_ENDPOINT(?:_URL)?)$/,
      description: "Only for S3-compatible storage (Cloudflare R2, DigitalOcean Spaces, MinIO): its endpoint URL. Empty for AWS.",
      secret: false,
      source: user(),
      where: "The provider's S3 endpoint, e.g. `https://ACCOUNT_ID.r2.cloudflarestorage.com`; leave it empty on AWS.",
    },
  ],
  rotation: (n) =>
    `An IAM user may have two access keys: create the second, deploy it (\`${n.of("AWS_ACCESS_KEY_ID")}\` and \`${n.of("AWS_SECRET_ACCESS_KEY")}\`), check that uploads work, then deactivate the old key and delete it.`,
  checklist: () => [
    "S3: the bucket blocks public access unless it serves public files on purpose, the IAM policy covers only this bucket, and the files are versioned or backed up (the database dumps do not include them).",
  ],
};
