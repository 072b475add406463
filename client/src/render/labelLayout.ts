/**
 * Where name tags go so that none covers another and each stays on screen: every tag
 * starts above its actor's head, is shifted sideways into the view, and, when it would
 * cover a tag already placed, climbs above that one — so two actors side by side (a
 * player and the monster it fights) get their names stacked instead of printed over each
 * other. Tags are placed in order of priority (the own character's first: it never
 * moves), then from the bottom of the screen up (the actor in front keeps its place).
 * Pure arithmetic on boxes, in world pixels; the scene draws the result.
 */

/** A box: its top-left corner and size. */
export interface TagBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A tag to place: its box at its natural place, and how much it matters to keep it there. */
export interface TagToPlace {
  box: TagBox;
  /** Higher: placed earlier, so it keeps its natural place. */
  priority: number;
}

/** A tag's shift from its natural place. */
export interface TagShift {
  dx: number;
  dy: number;
}

/** Space kept between two tags, and between a tag and the view's edge. */
export const TAG_GAP = 1;
/** The most a tag climbs past others (a crowd): beyond, it stays where it got to. */
const MAX_CLIMBS = 24;

export function boxesOverlap(a: TagBox, b: TagBox, gap = 0): boolean {
  return (
    a.left < b.left + b.width + gap && b.left < a.left + a.width + gap && a.top < b.top + b.height + gap && b.top < a.top + a.height + gap
  );
}

/**
 * The shift of each tag (in the order given) that keeps it inside `view` (sideways, and
 * below its top edge) and off every tag placed before it.
 */
export function layoutTags(tags: readonly TagToPlace[], view: TagBox, gap = TAG_GAP): TagShift[] {
  const order = tags.map((_, i) => i);
  order.sort((a, b) => tags[b].priority - tags[a].priority || bottom(tags[b].box) - bottom(tags[a].box) || a - b);
  const shifts: TagShift[] = tags.map(() => ({ dx: 0, dy: 0 }));
  const placed: TagBox[] = [];
  for (const i of order) {
    const natural = tags[i].box;
    const box = { ...natural };
    box.left = clamp(box.left, view.left + gap, view.left + view.width - gap - box.width);
    for (let climb = 0; climb < MAX_CLIMBS; climb++) {
      const hit = placed.find((other) => boxesOverlap(box, other, gap));
      if (!hit) break;
      box.top = hit.top - box.height - gap;
    }
    // Never above the view's top edge (an actor at the top of the screen): it may cover
    // its own actor's sprite there, but it is read whole.
    box.top = Math.max(box.top, view.top + gap);
    placed.push(box);
    shifts[i] = { dx: box.left - natural.left, dy: box.top - natural.top };
  }
  return shifts;
}

function bottom(box: TagBox): number {
  return box.top + box.height;
}

/** `value` kept within [min, max]; when the range is empty (a box wider than the view), centred in it. */
function clamp(value: number, min: number, max: number): number {
  if (max < min) return (min + max) / 2;
  return Math.min(max, Math.max(min, value));
}
