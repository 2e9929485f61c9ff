/** Where objects (lake files, exports, scripts) live: S3 in AWS, a local directory in `npm start`. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface PutObjectOptions {
  readonly contentType?: string;
}

export interface ObjectStore {
  /** Stores `body` under `key`, replacing what was there; resolves once the object is durable. */
  put(key: string, body: Uint8Array | string, options?: PutObjectOptions): Promise<void>;
  /** The object's bytes, or `undefined` when there is no object under `key`. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
}
