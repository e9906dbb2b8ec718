import type { Readable } from 'node:stream';
import { PermissionFlagsBits, type APIAttachment, type APIMessage } from 'discord-api-types/v10';
import type { AttachmentRepository, AttachmentRow } from '../../db/repositories/attachments.js';
import { FieldErrors, HttpError } from '../errors.js';
import type { SnowflakeGenerator } from '../ids/snowflake.js';
import { resolveContentType } from '../media.js';
import { has } from '../permissions.js';
import { StorageLimitError, type FileStorage } from '../storage.js';

/** Discord's limit of files on one message. */
export const MAX_ATTACHMENTS = 10;

/** A file streamed to storage for a request, not yet part of a message. */
export interface Upload {
  /** n of the `files[n]` part it came from. */
  index: number;
  id: string;
  channelId: string;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  key: string;
  /** Set once a message row owns it; uncommitted uploads are removed at the end of the request. */
  committed: boolean;
}

/** An `attachments[]` entry of a message body: `id` is `n` for a new file, a snowflake for a kept one. */
export interface AttachmentRef {
  id: string;
  description?: string | null | undefined;
}

/** Where an attachment is stored: the key scheme lives here, the CDN only follows it. */
export function attachmentKey(channelId: string, attachmentId: string, filename: string): string {
  return `attachments/${channelId}/${attachmentId}/${filename}`;
}

/** Discord-like filename cleaning: no path, only `[A-Za-z0-9_.-]`, no leading dot. */
export function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '').slice(-200);
  return clean === '' ? 'unknown' : clean;
}

export interface EditPlan {
  keep: string[] | undefined;
  planned: { upload: Upload; description: string | null }[];
  remaining: number;
}

const HEAD_BYTES = 64 * 1024;

export class AttachmentService {
  constructor(
    private readonly repo: AttachmentRepository,
    private readonly storage: FileStorage | undefined,
    private readonly ids: SnowflakeGenerator,
    private readonly publicUrl: () => string,
  ) {}

  /** Streams one file part to storage. Past `maxBytes` → 413 40005, nothing kept. */
  async upload(channelId: string, index: number, filename: string | undefined, declaredType: string | undefined, source: Readable, maxBytes: number): Promise<Upload> {
    if (!this.storage) throw new HttpError('INTERNAL');
    const id = this.ids.next();
    const name = cleanFilename(filename);
    const key = attachmentKey(channelId, id, name);
    let stored;
    try {
      stored = await this.storage.putStream(key, source, { maxBytes, headBytes: HEAD_BYTES });
    } catch (err) {
      if (err instanceof StorageLimitError) throw new HttpError('ENTITY_TOO_LARGE');
      throw err;
    }
    const { contentType, image } = resolveContentType(name, declaredType, stored.head);
    return { index, id, channelId, filename: name, contentType, size: stored.size, width: image?.width ?? null, height: image?.height ?? null, key, committed: false };
  }

  /** Removes the files of uploads no message took. */
  async discard(uploads: readonly Upload[]): Promise<void> {
    if (!this.storage) return;
    for (const u of uploads) if (!u.committed) await this.storage.delete(u.key).catch(() => undefined);
  }

  /**
   * New files for a message: every upload, in part order, with its description from `refs`.
   * Needs ATTACH_FILES when there is any; a ref naming no file part (and no kept attachment) is 50035.
   */
  plan(permissions: bigint, uploads: readonly Upload[], refs: readonly AttachmentRef[] | undefined, keptIds: ReadonlySet<string> = new Set()): { upload: Upload; description: string | null }[] {
    if (uploads.length === 0) return [];
    if (!has(permissions, PermissionFlagsBits.AttachFiles)) throw new HttpError('MISSING_PERMISSIONS');
    const byIndex = new Map(uploads.map((u) => [String(u.index), u]));
    const errors = new FieldErrors();
    (refs ?? []).forEach((ref, i) => {
      if (!byIndex.has(ref.id) && !keptIds.has(ref.id)) errors.add(['attachments', i, 'id'], 'ATTACHMENT_NOT_FOUND', 'Attachment not found.');
    });
    errors.throwIfAny();
    if (uploads.length + keptIds.size > MAX_ATTACHMENTS) {
      throw new FieldErrors().add(['attachments'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ATTACHMENTS} or fewer in length.`).toError();
    }
    const descriptions = new Map((refs ?? []).map((r) => [r.id, r.description]));
    return [...uploads].sort((a, b) => a.index - b.index).map((upload) => ({ upload, description: descriptions.get(String(upload.index)) ?? null }));
  }

  /** Stores the planned files as attachments of `messageId`; returns them as Discord objects. */
  async commit(messageId: string, planned: readonly { upload: Upload; description: string | null }[]): Promise<APIAttachment[]> {
    const rows: AttachmentRow[] = planned.map(({ upload: u, description }) => ({
      id: u.id,
      message_id: messageId,
      channel_id: u.channelId,
      filename: u.filename,
      description,
      content_type: u.contentType,
      size: u.size,
      width: u.width,
      height: u.height,
      storage_key: u.key,
    }));
    await this.repo.insertMany(rows);
    for (const p of planned) p.upload.committed = true;
    return rows.map((r) => this.map(r));
  }

  /**
   * An edit's files: `refs` undefined keeps every current attachment; otherwise only the listed
   * ones stay. New uploads are added either way. `remaining` is how many the message will have.
   */
  async planEdit(permissions: bigint, messageId: string, uploads: readonly Upload[], refs: readonly AttachmentRef[] | undefined): Promise<EditPlan> {
    const existing = await this.idsOf(messageId);
    const keep = refs === undefined ? undefined : refs.map((r) => r.id).filter((id) => existing.has(id));
    const keptIds = new Set(keep ?? existing);
    const planned = this.plan(permissions, uploads, refs?.filter((r) => !existing.has(r.id)), keptIds);
    return { keep, planned, remaining: keptIds.size + planned.length };
  }

  /** Carries out an edit plan: removes what is not kept, adds the new files. */
  async applyEdit(messageId: string, edit: EditPlan): Promise<void> {
    if (edit.keep !== undefined) await this.keepOnly(messageId, edit.keep);
    await this.commit(messageId, edit.planned);
  }

  /** The ids of a message's current attachments. */
  async idsOf(messageId: string): Promise<Set<string>> {
    return new Set((await this.repo.forMessages([messageId])).map((r) => r.id));
  }

  /** Keeps only `keep` of a message's attachments: the others' rows and files are removed. */
  async keepOnly(messageId: string, keep: readonly string[]): Promise<void> {
    const removed = await this.repo.deleteExcept(messageId, keep);
    await this.removeFiles(removed);
  }

  /** Sets `attachments` on each message from the stored rows (one query for all). */
  async fill(messages: APIMessage[]): Promise<APIMessage[]> {
    if (messages.length === 0) return messages;
    const rows = await this.repo.forMessages(messages.map((m) => m.id));
    if (rows.length === 0) return messages;
    for (const m of messages) m.attachments = rows.filter((r) => r.message_id === m.id).map((r) => this.map(r));
    return messages;
  }

  /** For the CDN: the stored file behind `/attachments/{channel}/{id}/{filename}`. */
  async locate(channelId: string, attachmentId: string, filename: string): Promise<{ key: string; contentType: string | null; filename: string } | undefined> {
    const row = await this.repo.find(channelId, attachmentId);
    if (!row || row.filename !== filename) return undefined;
    return { key: row.storage_key, contentType: row.content_type, filename: row.filename };
  }

  private async removeFiles(rows: readonly AttachmentRow[]): Promise<void> {
    if (!this.storage) return;
    for (const r of rows) await this.storage.delete(r.storage_key).catch(() => undefined);
  }

  /** Discord's attachment object; optional keys are left out, never null. */
  map(r: AttachmentRow): APIAttachment {
    const url = `${this.publicUrl()}/cdn/${attachmentKey(r.channel_id, r.id, encodeURIComponent(r.filename))}`;
    const out: APIAttachment = { id: r.id, filename: r.filename, size: r.size, url, proxy_url: url };
    if (r.description !== null) out.description = r.description;
    if (r.content_type !== null) out.content_type = r.content_type;
    if (r.width !== null && r.height !== null) {
      out.width = r.width;
      out.height = r.height;
    }
    return out;
  }
}
