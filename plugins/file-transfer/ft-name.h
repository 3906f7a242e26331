/* ft-name.h — turning a peer's XEP-0234 <name/> into a safe local file name
 * (XEP-0234 §Security Considerations), and creating or renaming files under
 * a free name in a directory without races: every operation is relative to
 * a directory fd, O_CREAT|O_EXCL|O_NOFOLLOW for new files and
 * renameat2(RENAME_NOREPLACE) (or link+unlink) for renames, so an existing
 * file or a planted symlink is never followed and never replaced. */
#pragma once

#include <sys/types.h>

#include <glib.h>

G_BEGIN_DECLS

#define JA_FT_NAME_MAX 255        /* bytes, NAME_MAX of Linux file systems */
#define JA_FT_NAME_MAX_TRIES 1000 /* "name (1).ext" … "name (999).ext" */

/* Always succeeds (transfer full): valid UTF-8 (invalid bytes become
 * U+FFFD); path components joined with '_', with empty, "." and ".."
 * components dropped, so no '/' or '\\' remains; C0, DEL and C1 controls
 * become '_'; bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
 * U+061C) are removed; no leading dot or whitespace, no trailing
 * whitespace; at most JA_FT_NAME_MAX bytes, cutting the stem at a character
 * boundary so that a short extension survives; "file" when nothing is
 * left. NULL gives "file". */
char *ja_ft_name_sanitize (const char *name);

/* "stem (n).ext" + suffix, cut to JA_FT_NAME_MAX bytes in the stem; n 0
 * gives name + suffix. name must be sanitised. (transfer full) */
char *ja_ft_name_numbered (const char *name, guint n, const char *suffix);

/* Opens a directory to create files in (O_DIRECTORY|O_NOFOLLOW): the fd, or
 * -1 with a G_IO_ERROR. */
int ja_ft_dir_open (const char *path, GError **error);

/* Creates the first free one of name+suffix, "name (1)"+suffix, … in dir_fd
 * with O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW and mode. Returns the fd and sets
 * *chosen (transfer full), or -1 with a G_IO_ERROR (G_IO_ERROR_EXISTS after
 * JA_FT_NAME_MAX_TRIES names). */
int ja_ft_name_create_unique (int dir_fd, const char *name,
    const char *suffix, mode_t mode, char **chosen, GError **error);

/* Renames dir_fd/from to the first free one of name, "name (1)", … in the
 * same directory, never replacing anything, and sets *chosen (transfer
 * full). FALSE with a G_IO_ERROR otherwise, from left in place. */
gboolean ja_ft_name_rename_unique (int dir_fd, const char *from,
    const char *name, char **chosen, GError **error);

G_END_DECLS
