package dev.vigil.agent;

import java.nio.file.Path;

/**
 * Where the agent stands in one file: the file's identity, the offset just after the last line it
 * handed on, and a fingerprint of the file's first bytes.
 *
 * <p>The identity ({@code fileKey}: device and inode on Linux) survives a rename, so a rotated file is
 * found again under its new name. The head fingerprint tells a file that was truncated and written
 * again (copy-truncate) from the one that was read, even when it has grown past the old offset.
 *
 * @param fileKey the file system's identity of the file
 * @param path the name the file had when it was read (a hint for log messages)
 * @param offset bytes of the file already handed on
 * @param headLength how many leading bytes {@code headHash} covers (at most {@link #HEAD_BYTES})
 * @param headHash hex SHA-256 of the first {@code headLength} bytes
 */
record Position(String fileKey, Path path, long offset, int headLength, String headHash) {
  /** Leading bytes fingerprinted; an audit event line is longer, so this is one event's worth. */
  static final int HEAD_BYTES = 1024;
}
