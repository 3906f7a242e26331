/* jid.h — XMPP addresses (RFC 7622): parse, validate, compare. Parsing is
 * pure and bounded (each part at most 1023 bytes); domains are lower-cased,
 * localparts are case-folded to lower case (a simplification of
 * UsernameCaseMapped that is exact for ASCII). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *local;     /* NULL when absent */
  char *domain;    /* never NULL */
  char *resource;  /* NULL when absent */
} JaJid;

/* NULL with error (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) when text is not
 * a valid JID. */
JaJid *ja_jid_parse (const char *text, GError **error);
void ja_jid_free (JaJid *jid);
JaJid *ja_jid_copy (const JaJid *jid);

char *ja_jid_to_string (const JaJid *jid);   /* (transfer full) full form */
char *ja_jid_to_bare (const JaJid *jid);     /* (transfer full) local@domain or domain */
gboolean ja_jid_equal (const JaJid *a, const JaJid *b);
gboolean ja_jid_bare_equal (const JaJid *a, const JaJid *b);

/* String helpers on JIDs as text; FALSE/NULL when a side does not parse. */
gboolean ja_jid_string_bare_equal (const char *a, const char *b);
char *ja_jid_string_to_bare (const char *text);  /* (transfer full) */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaJid, ja_jid_free)

G_END_DECLS
