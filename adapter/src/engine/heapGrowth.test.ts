import { boundHeapGrowth, HEAP_GROWING_PERCENT } from './heapGrowth';

describe('boundHeapGrowth', () => {
  test("sets V8's heap growing factor", () => {
    const set: string[] = [];
    boundHeapGrowth(['--max-old-space-size=256'], (flags) => set.push(flags));
    expect(set).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]);
  });

  test('leaves the one the node command line sets', () => {
    const set: string[] = [];
    boundHeapGrowth(['--heap-growing-percent=50'], (flags) => set.push(flags));
    boundHeapGrowth(['--heap_growing_percent=10'], (flags) => set.push(flags));
    expect(set).toEqual([]);
  });
});
