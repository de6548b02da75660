-- AlterTable
ALTER TABLE "sweeps" ADD COLUMN     "budgetGpuSeconds" DOUBLE PRECISION,
ADD COLUMN     "budgetUsd" DOUBLE PRECISION;
