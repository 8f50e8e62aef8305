/** One field error of an RFC 7807 validation problem, as the API names it. */
export interface FieldError {
  field: string;
  message: string;
}

/** An API answer that was not a success: the problem+json body when there is one. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors: FieldError[];

  constructor(status: number, title: string, detail?: string, errors: FieldError[] = []) {
    super(detail ? `${title} ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }

  static async from(response: Response): Promise<ApiError> {
    const text = await response.text();
    try {
      const body = JSON.parse(text) as { title?: string; detail?: string; errors?: unknown };
      const errors = Array.isArray(body.errors)
        ? body.errors.filter((e): e is FieldError => typeof e?.field === "string" && typeof e?.message === "string")
        : [];
      return new ApiError(response.status, body.title ?? `HTTP ${response.status}`, body.detail, errors);
    } catch {
      return new ApiError(response.status, `HTTP ${response.status}`, text.slice(0, 300) || undefined);
    }
  }
}
