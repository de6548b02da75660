-- CreateTable
CREATE TABLE "queue_purges" (
    "id" BIGSERIAL NOT NULL,
    "endpointId" VARCHAR(128) NOT NULL,
    "incidentId" BIGINT,
    "requestedBy" VARCHAR(255) NOT NULL,
    "requestedAt" TIMESTAMPTZ(3) NOT NULL,
    "removed" INTEGER,
    "resubmitRequestedAt" TIMESTAMPTZ(3),
    "resubmitRequestedBy" VARCHAR(255),

    CONSTRAINT "queue_purges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purged_jobs" (
    "purgeId" BIGINT NOT NULL,
    "jobId" VARCHAR(128) NOT NULL,
    "input" JSONB,
    "resubmitIntentAt" TIMESTAMPTZ(3),
    "newJobId" VARCHAR(128),
    "resubmitError" TEXT,

    CONSTRAINT "purged_jobs_pkey" PRIMARY KEY ("purgeId","jobId")
);

-- CreateIndex
CREATE INDEX "queue_purges_endpointId_requestedAt_idx" ON "queue_purges"("endpointId", "requestedAt");

-- AddForeignKey
ALTER TABLE "purged_jobs" ADD CONSTRAINT "purged_jobs_purgeId_fkey" FOREIGN KEY ("purgeId") REFERENCES "queue_purges"("id") ON DELETE CASCADE ON UPDATE CASCADE;
