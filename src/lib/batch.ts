/** The body of a batch delete: how many existed, and which of the asked ids did not. */
export function deletionSummary(asked: readonly number[], deleted: readonly number[]) {
  const gone = new Set(deleted);
  return { deleted: gone.size, not_found: asked.filter((id) => !gone.has(id)) };
}
