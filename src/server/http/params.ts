/** The dynamic segments of a route, as Next 16 passes them. */
export type IdParams = { params: Promise<{ id: string }> };

export const idOf = async (context: IdParams) => (await context.params).id;
