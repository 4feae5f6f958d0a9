import { classMix, type ClassMixReport } from './calibration';
import { loadClassPolicy } from './class-policy';

// A full run's class mix (分类结构) against the policy it started with: its summary's class
// distribution (entities per class after the run) as shares, and every class outside the policy's
// band — a model whose mix drifted, flagged. Null for a run not done, or one started before runs kept
// their policy.
export function runClassMix(summary: unknown, storedPolicy: unknown): ClassMixReport | null {
  const distribution = (summary as { classDistribution?: Record<string, number> } | null)?.classDistribution;
  if (!distribution || storedPolicy === null || storedPolicy === undefined) return null;
  let policy;
  try {
    policy = loadClassPolicy(storedPolicy);
  } catch {
    return null; // a policy no longer readable judges nothing
  }
  return classMix(distribution, policy);
}
