// The one error type of issue intake: a kind for code to branch on, a message for a person.

export type IssueErrorKind =
  | 'bad-url'
  | 'bad-input'
  | 'not-found'
  | 'unauthorized'
  | 'forbidden'
  | 'rate-limited'
  | 'timeout'
  | 'network'
  | 'bad-response'
  | 'http'
  | 'file-missing'
  | 'file-unreadable'
  | 'empty'
  | 'bad-json'
  | 'no-title';

export class IssueError extends Error {
  readonly kind: IssueErrorKind;
  /** HTTP status when the error came from the GitHub API. */
  readonly status: number | null;

  constructor(kind: IssueErrorKind, message: string, status: number | null = null) {
    super(message);
    this.name = 'IssueError';
    this.kind = kind;
    this.status = status;
  }
}
