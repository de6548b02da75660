-- DropIndex
DROP INDEX "health_snapshots_endpointId_takenAt_idx";

-- CreateIndex
CREATE UNIQUE INDEX "health_snapshots_endpointId_takenAt_key" ON "health_snapshots"("endpointId", "takenAt");
