/* ft-sidecar.h — the identity of the offer a receiver's NAME.part belongs
 * to, kept next to it as ".NAME.part.offer" (a key file, created
 * O_EXCL|O_NOFOLLOW, mode 0600; sanitised names never start with a dot, so
 * no received file can take that name): size, date and hash values. A
 * later offer that matches continues the part (XEP-0234 §Ranged
 * Transfers, ft-transfer.h). Blocking file I/O relative to a directory fd,
 * never following a link. */
#pragma once

#include <sys/stat.h>
#include <glib.h>

#include "plugins/file-transfer/ft-description.h"

G_BEGIN_DECLS

/* Writes the sidecar of part (replacing a stale one). FALSE: the part is
 * not resumable. */
gboolean ja_ft_sidecar_write (int dir_fd, const char *part,
    const JaFtFile *file);
/* Removes the sidecar of dir/part, if any. */
void ja_ft_sidecar_remove (const char *dir, const char *part);
/* The sidecar of part read back (at most 4 KiB), NULL when absent or not
 * ours. (transfer full) */
GKeyFile *ja_ft_sidecar_read (int dir_fd, const char *part);
/* The offer is the one the sidecar describes: same size; every hash value
 * it gives whose algorithm the sidecar has is equal, and at least one is
 * when it gives any; the same date when both have one. */
gboolean ja_ft_sidecar_matches (GKeyFile *kf, const JaFtFile *file);
/* dir_fd/name is a regular file of ours with one link (not followed). */
gboolean ja_ft_sidecar_stat_part (int dir_fd, const char *name,
    struct stat *st);

G_END_DECLS
