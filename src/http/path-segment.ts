/**
 * A path segment decoded, as Hono decodes its params: malformed percent-encoding (`%ZZ`) stays as sent
 * instead of throwing, so the route's own id check answers 400 and the audit trail still finds the route.
 */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
