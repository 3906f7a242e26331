/* xmpp-identity.h — what a serverless stream (XEP-0174) authenticates
 * with: our own self-signed certificate (ECDSA P-256, created on first use
 * and kept in one PEM file with its key), and the peers' certificate
 * fingerprints recorded on first contact, like SSH's known_hosts. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* $XDG_DATA_HOME/jingle-agent (transfer full). */
char *ja_xmpp_identity_default_dir (void);

/* Loads the identity at path, or creates it (certificate for common_name,
 * file mode 0600, parent directories 0700). On success *sha256 (nullable
 * out, transfer full) is the hex SHA-256 of our certificate (DER), which
 * is what peers record; *created says whether it was made now. */
gboolean ja_xmpp_identity_ensure (const char *path, const char *common_name,
    char **sha256, gboolean *created, GError **error);

/* Lower-case hex with every non-hex character dropped ("AB:CD" → "abcd")
 * (transfer full). */
char *ja_xmpp_fingerprint_normalize (const char *text);

/* The known-peers file, one "KEY SHA256" per line ('#' comments). Pure:
 * the recorded fingerprint for key in contents, NULL when absent (transfer
 * full). */
char *ja_known_peers_lookup (const char *contents, const char *key);

/* Reads path (a missing file is empty) and looks key up; NULL when absent
 * or unreadable (transfer full). */
char *ja_known_peers_find (const char *path, const char *key);

/* Appends "key sha256" (creating the file and its directory). */
gboolean ja_known_peers_add (const char *path, const char *key,
    const char *sha256, GError **error);

G_END_DECLS
