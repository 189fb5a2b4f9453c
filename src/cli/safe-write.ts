import { randomBytes } from 'node:crypto';
import {
  closeSync, fchmodSync, fchownSync, fstatSync, fsyncSync, lstatSync, openSync, readSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

/**
 * Writing an output file (a baseline, a picture) so that it can never cost
 * the user a file: the output may not be one of the inputs; an existing
 * file is replaced only when merge-summary wrote it (or with --force); a
 * read-only file or anything but a regular file is refused; a symbolic link
 * is written through (its target changes, the link stays); the mode and
 * owner of a replaced file are kept. The content goes to a temporary file
 * beside the target, renamed over it only when complete, and removed on
 * every failure, at exit, and on SIGINT / SIGTERM / SIGHUP. Messages name
 * the path the user gave, never the temporary file.
 */
export interface WriteRules {
  /** The files the command reads ("-" is standard input): the output may be none of them. */
  inputs: readonly string[];
  /** Replace an existing file that merge-summary did not write. */
  force: boolean;
  /** Whether the start of an existing file shows it is a document merge-summary wrote. */
  isOurs: (head: Uint8Array) => boolean;
  /** What is written, for messages: "a baseline", "the picture". */
  what: string;
}

/** A checked output: where its bytes go, and what is there now. */
export interface PlannedWrite {
  /** The path as the user gave it. */
  path: string;
  /** The file written: the path with symbolic links followed. */
  target: string;
  existing?: Stats;
}

/** How much of an existing file is read to recognise it. */
const HEAD_BYTES = 64 * 1024;
/** Symbolic links followed before a path is taken for a loop (Linux's own limit). */
const MAX_LINKS = 40;

/**
 * Checks, before any work, that `path` may be written under `rules`;
 * throws a UserError (exit 2) saying why not and what to do.
 */
export function planWrite(path: string, rules: WriteRules): PlannedWrite {
  const target = followLinks(path);
  let existing: Stats | undefined;
  try {
    existing = statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw cannotWrite(path, error);
  }
  if (existing) {
    const input = rules.inputs.find((file) => file !== '-' && sameFile(file, existing as Stats));
    if (input !== undefined) {
      const which = input === path ? 'it is an input of this command' : `it is the same file as the input ${input}`;
      throw new UserError('usage', `refusing to write ${rules.what} to ${path}: ${which} and would be destroyed; give another path`);
    }
    if (existing.isDirectory()) throw new UserError('file', `cannot write ${rules.what} to ${path}: it is a folder`);
    if (!existing.isFile()) throw new UserError('file', `cannot write ${rules.what} to ${path}: it is not a regular file (a device, a pipe or a socket)`);
    if ((existing.mode & 0o222) === 0 || !writable(target)) {
      throw new UserError('file', `cannot write ${rules.what} to ${path}: the file is read-only; make it writable first if it is to be replaced`);
    }
    if (!rules.force && existing.size > 0 && !rules.isOurs(readHead(target))) {
      throw new UserError(
        'file',
        `${path} exists and is not a file merge-summary wrote; refusing to replace it with ${rules.what} (give another path, or --force to replace it)`,
      );
    }
  }
  return { path, target, existing };
}

/** Writes the planned output whole or not at all. */
export function commitWrite(plan: PlannedWrite, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const temporary = join(dirname(plan.target), `.${basename(plan.target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  removeOnExit(temporary);
  try {
    const fd = openSync(temporary, 'wx', 0o666);
    try {
      for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      if (plan.existing) keepOwnership(fd, plan.existing);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, plan.target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw cannotWrite(plan.path, error);
  } finally {
    pendingTemporaries.delete(temporary);
  }
}

/** Reads the start of a file, to recognise it; unreadable is empty (and so not ours). */
export function readHead(path: string, bytes = HEAD_BYTES): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (!fstatSync(fd).isFile()) return new Uint8Array();
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read);
  } catch {
    return new Uint8Array();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether two paths are the same directory entry's file, through links: the same device and inode. */
export function sameFile(path: string, stats: Stats): boolean {
  try {
    const other = statSync(path);
    return other.dev === stats.dev && other.ino === stats.ino;
  } catch {
    return false;
  }
}

/** A folder's real path, or the path as given when it does not exist. */
export function realFolder(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The file a path names, following symbolic links even when the last one
 * dangles (writing through it creates its target, as a shell's > would).
 */
function followLinks(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let stats: Stats;
    try {
      stats = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw cannotWrite(path, error);
    }
    if (!stats.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw new UserError('file', `cannot write ${path}: more than ${MAX_LINKS} symbolic links in a row (a loop?)`);
}

function writable(path: string): boolean {
  try {
    const fd = openSync(path, 'r+');
    closeSync(fd);
    return true;
  } catch {
    return false;
  }
}

/** The replacement keeps the replaced file's mode, and its owner where the user may give it. */
function keepOwnership(fd: number, existing: Stats): void {
  fchmodSync(fd, existing.mode & 0o7777);
  try {
    fchownSync(fd, existing.uid, existing.gid);
  } catch {
    // Only the superuser may give a file away; anyone else keeps owning what they write.
  }
}

function cannotWrite(path: string, error: unknown): UserError {
  if (error instanceof UserError) return error;
  return new UserError('file', `cannot write ${path}: ${writeProblem(path, error as NodeJS.ErrnoException)}`);
}

/** Why a write failed, in words, never naming the temporary file. */
function writeProblem(path: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied (merge-summary writes a new file in ${dirname(resolve(path))} and renames it over the old one, so that folder must be writable)`;
    case 'ENOENT':
      return `there is no folder ${dirname(path)}`;
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'over the disk quota';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many symbolic links (a loop?)';
    default:
      return error.code ?? 'the write failed';
  }
}

const pendingTemporaries = new Set<string>();
let cleanupInstalled = false;

/**
 * Registers a temporary file to remove if the process ends before it is
 * renamed. A signal that arrives while a write runs is handled once the
 * write is over (writes are synchronous), so the handler finds the file
 * renamed or removed; then the process ends by that signal as it would have.
 */
function removeOnExit(temporary: string): void {
  pendingTemporaries.add(temporary);
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const removeAll = () => {
    for (const file of pendingTemporaries) rmSync(file, { force: true });
    pendingTemporaries.clear();
  };
  process.on('exit', removeAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removeAll();
      process.kill(process.pid, signal);
    });
  }
}
