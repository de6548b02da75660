-- AlterEnum
ALTER TYPE "worker_event_kind" ADD VALUE 'startup';

-- AlterTable
ALTER TABLE "crash_events" ADD COLUMN     "deployment" VARCHAR(512),
ADD COLUMN     "live" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "crash_groups" ADD COLUMN     "deployments" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN     "smokeExpect" JSONB,
ADD COLUMN     "smokeOptIn" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "smoke_runs" ADD COLUMN     "deployment" VARCHAR(512);

-- An endpoint whose smoke input a user set explicitly keeps its smoke jobs (it was opted in by hand);
-- every other endpoint gets none until a user opts it in.
UPDATE "endpoints" SET "smokeOptIn" = true WHERE "smokeInput" IS NOT NULL;
