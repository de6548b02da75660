-- DropIndex
DROP INDEX "trials_sweepId_status_idx";

-- CreateIndex
CREATE INDEX "trials_sweepId_status_metricValue_idx" ON "trials"("sweepId", "status", "metricValue");

-- CreateIndex
CREATE INDEX "trials_sweepId_status_number_metricValue_idx" ON "trials"("sweepId", "status", "number", "metricValue");
