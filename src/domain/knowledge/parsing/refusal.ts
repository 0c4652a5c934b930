/** Why an uploaded file was refused: a 4xx the API answers as it is (it crosses the worker boundary as plain data). */
export interface FileRefusal {
  status: 400 | 413;
  code: string;
  message: string;
}

export class FileRefused extends Error {
  override readonly name = 'FileRefused';
  constructor(readonly refusal: FileRefusal) {
    super(refusal.message);
  }
}

export const refuse = (code: string, message: string, status: 400 | 413 = 400) => new FileRefused({ status, code, message });
