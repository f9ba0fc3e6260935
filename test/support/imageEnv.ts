import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The environment deploy/image/Dockerfile's `ENV` lines set (NAME=value pairs, space-separated). */
export function imageEnv(repoRoot: string): Record<string, string> {
  const dockerfile = readFileSync(path.join(repoRoot, 'deploy', 'image', 'Dockerfile'), 'utf8');
  return Object.fromEntries(
    [...dockerfile.matchAll(/^ENV (.+)$/gm)].flatMap((m) =>
      m[1]!.split(/\s+/).map((pair) => pair.split('=')),
    ),
  ) as Record<string, string>;
}

/** glibc's allocator settings (MALLOC_*) the image ships, as deploy/base's Deployment does. */
export function shippedAllocator(repoRoot: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(imageEnv(repoRoot)).filter(([name]) => name.startsWith('MALLOC_')),
  );
}
