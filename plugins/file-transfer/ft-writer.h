/* ft-writer.h — the receiving side's file sink (XEP-0234 File Receiver):
 * writes NAME.part (created O_EXCL|O_NOFOLLOW, mode 0600), hashes the bytes
 * as they are written, can resume an existing .part at an offset (ranged
 * transfers, XEP-0234 §Ranged Transfers), and on finish checks the expected
 * hashes and renames the .part to a free final name without ever replacing
 * a file (ft-name.h). On a mismatch or an abort nothing appears under the
 * final name. File I/O is blocking: call it where that is acceptable.
 *
 * Also the check a receiver runs before accepting an offer: size limit and
 * free space. */
#pragma once

#include <glib.h>

#include "plugins/file-transfer/ft-hash.h"

G_BEGIN_DECLS

#define JA_FT_SIZE_UNKNOWN G_MAXUINT64
#define JA_FT_PART_SUFFIX ".part"

typedef struct _JaFtWriter JaFtWriter;

/* A new transfer into directory dir. name must be sanitised
 * (ja_ft_name_sanitize); the .part is the first free of "name.part",
 * "name (1).part", … algos: JA_FT_HASH_BIT mask to compute (sha-256 is
 * always added). size: the offered size, or JA_FT_SIZE_UNKNOWN; more bytes
 * than that are refused. NULL with a G_IO_ERROR on failure. */
JaFtWriter *ja_ft_writer_new (const char *dir, const char *name, guint algos,
    guint64 size, GError **error);

/* Continues dir/part_name (a regular file of ours with one link, opened
 * without following symlinks) from offset: its first offset bytes are
 * hashed again, anything after them is cut off, writes append. A part
 * shorter than offset is G_IO_ERROR_INVALID_DATA. */
JaFtWriter *ja_ft_writer_resume (const char *dir, const char *name,
    const char *part_name, guint64 offset, guint algos, guint64 size,
    GError **error);

/* Appends data. JA_TRANSFER_ERROR_TOO_LARGE past the offered size (nothing
 * is written then), G_IO_ERROR on a write failure. */
gboolean ja_ft_writer_write (JaFtWriter *writer, const void *data,
    gsize len, GError **error);

/* The same in two halves, for a caller that hashes in another thread:
 * write_unhashed appends (and starts the writeback of what has piled up);
 * hash must then be given exactly the bytes written, in order, before
 * finish. hash touches only the hash state, so the two may run in two
 * threads at once. After a failed write the hash is out of step: abort
 * (a kept part is hashed again from the disk when resumed). */
gboolean ja_ft_writer_write_unhashed (JaFtWriter *writer, const void *data,
    gsize len, GError **error);
void ja_ft_writer_hash (JaFtWriter *writer, const void *data, gsize len);

guint64 ja_ft_writer_get_offset (JaFtWriter *writer);   /* bytes in the part */
const char *ja_ft_writer_get_part_name (JaFtWriter *writer);
guint ja_ft_writer_get_algos (JaFtWriter *writer);

/* Completes the transfer: every hash in expected with a value whose
 * algorithm was computed must match (others are ignored), then the part is
 * synced, made 0666 & ~umask and renamed to the first free of "name",
 * "name (1)", … Returns the final path (transfer full).
 *
 * Fewer bytes than the offered size: JA_TRANSFER_ERROR_INCOMPLETE and the
 * writer stays open (write more, or abort). Any other failure
 * (JA_TRANSFER_ERROR_HASH_MISMATCH, G_IO_ERROR) removes the part and ends
 * the writer. */
char *ja_ft_writer_finish (JaFtWriter *writer, const JaFtHashList *expected,
    GError **error);

/* The computed hashes, once finish has got as far as comparing them (also
 * after a mismatch); NULL before. */
const JaFtHashList *ja_ft_writer_get_hashes (JaFtWriter *writer);

/* Ends an unfinished writer: the part is removed, or kept (for a later
 * ja_ft_writer_resume) when keep_part. No-op once ended. */
void ja_ft_writer_abort (JaFtWriter *writer, gboolean keep_part);

/* Frees; an unfinished writer is aborted first (part removed). */
void ja_ft_writer_free (JaFtWriter *writer);

/* Before accepting an offer of size bytes into dir: over max_size (0: no
 * limit) is JA_TRANSFER_ERROR_TOO_LARGE; less than size + reserve bytes
 * free for us (statvfs f_bavail) is G_IO_ERROR_NO_SPACE. */
gboolean ja_ft_check_space (const char *dir, guint64 size, guint64 max_size,
    guint64 reserve, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaFtWriter, ja_ft_writer_free)

G_END_DECLS
