/**
 * The error every kplane call throws: a Kubernetes `Status` (metav1.Status) as a JS Error.
 * `message` is `status.message`; `status.code` is the HTTP code (400, 404, 409, 422, ...).
 */
export class KplaneError extends Error {
  constructor(status) {
    const s = status !== null && typeof status === 'object' ? status : {};
    super(typeof s.message === 'string' ? s.message : 'unknown kplane error');
    this.name = 'KplaneError';
    this.status = status;
  }
}
