import type { PrismaClient } from "@/lib/generated/prisma/client";
import { redact } from "@/lib/log";

export interface PollErrorInput {
  endpointId?: string | null;
  pollerId?: string | null;
  operation: string;
  httpStatus?: number | null;
  message: string;
  at: Date;
}

/**
 * Records a failed RunPod call or module run where the UI can show it: a PollError row
 * and, for an endpoint, Endpoint.lastError/lastErrorAt. Messages are redacted and bounded.
 */
export async function recordPollError(prisma: PrismaClient, input: PollErrorInput): Promise<void> {
  const message = redact(input.message).slice(0, 2000);
  const endpointId = input.endpointId ?? null;
  if (endpointId) {
    const exists = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true } });
    if (!exists) {
      await prisma.pollError.create({
        data: { at: input.at, endpointId: null, pollerId: input.pollerId ?? null, operation: input.operation, httpStatus: input.httpStatus ?? null, message: `[${endpointId}] ${message}` },
      });
      return;
    }
  }
  // two plain statements (no transaction): an error report must not wait for a pooled transaction slot
  await prisma.pollError.create({
    data: { at: input.at, endpointId, pollerId: input.pollerId ?? null, operation: input.operation.slice(0, 64), httpStatus: input.httpStatus ?? null, message },
  });
  if (endpointId) await prisma.endpoint.updateMany({ where: { id: endpointId }, data: { lastError: `${input.operation}: ${message}`.slice(0, 2000), lastErrorAt: input.at } });
}
