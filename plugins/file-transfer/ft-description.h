/* ft-description.h — XEP-0234 (urn:xmpp:jingle:apps:file-transfer:5) wire
 * codec, pure (no I/O): the <description><file/></description> of an offer
 * or request, and the session-info payloads <checksum/> and <received/>.
 * Hashes follow XEP-0300 (urn:xmpp:hashes:2) and ft-hash.h: algorithms we
 * cannot compute are skipped and counted in n_ignored_hashes.
 *
 * Everything a peer sends is bounded; anything malformed or over a bound is
 * JA_XMPP_ERROR_BAD_REQUEST. The only lenient field is <date/>: one that
 * is not an XEP-0082 DateTime is dropped, since it is cosmetic. <name/> is
 * kept exactly as received: sanitise it (ft-name.h) before any file system
 * use. Building gives back the same elements (date, desc, media-type, name,
 * range, size, hash, hash-used, as in the XEP's examples). */
#pragma once

#include <glib.h>

#include "plugins/file-transfer/ft-hash.h"
#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

#define JA_FT_MAX_NAME_BYTES 1024          /* <name/>, content names */
#define JA_FT_MAX_DESC_BYTES (64 * 1024)   /* <desc/> */
#define JA_FT_MAX_MEDIA_TYPE_BYTES 255     /* <media-type/> (RFC 6838) */
#define JA_FT_MAX_DATE_BYTES 64            /* <date/> */

/* The Jingle content creator named by <checksum/> and <received/>. */
typedef enum {
  JA_FT_CREATOR_NONE,       /* attribute absent */
  JA_FT_CREATOR_INITIATOR,
  JA_FT_CREATOR_RESPONDER,
} JaFtCreator;

const char *ja_ft_creator_to_string (JaFtCreator creator);  /* NONE: NULL */
gboolean ja_ft_creator_from_string (const char *name, JaFtCreator *creator,
    GError **error);

/* <range offset length>[hashes]</range> */
typedef struct {
  gboolean present;
  guint64 offset;          /* 0 when absent */
  gboolean has_length;
  guint64 length;
  JaFtHashList hashes;     /* hashes of the range's bytes */
} JaFtRange;

/* <file/>: every field optional. Sizes and offsets are at most G_MAXINT64
 * (an off_t). */
typedef struct {
  char *name;              /* as received, NULL when absent */
  gboolean has_size;
  guint64 size;
  char *date;              /* the original XEP-0082 string, or NULL */
  GDateTime *datetime;     /* parsed date, NULL exactly when date is */
  char *media_type;
  char *desc;              /* the first <desc/> */
  JaFtRange range;
  JaFtHashList hashes;     /* distinct algorithms; len 0: named, no value */
  guint hash_used;         /* JA_FT_HASH_BIT mask from <hash-used/> */
  guint n_ignored_hashes;  /* <hash/>/<hash-used/> of unknown algorithms */
} JaFtFile;

JaFtFile *ja_ft_file_new (void);
JaFtFile *ja_ft_file_copy (const JaFtFile *file);
void ja_ft_file_free (JaFtFile *file);
/* Sets date and datetime from dt (written in UTC, whole seconds). */
void ja_ft_file_set_datetime (JaFtFile *file, GDateTime *dt);
/* The algorithms the file names, with or without values (hash, hash-used,
 * range hashes): what a receiver should compute. */
guint ja_ft_file_get_named_algos (const JaFtFile *file);

JaFtFile *ja_ft_file_parse (const JaXmlNode *file, GError **error);
JaXmlNode *ja_ft_file_build (const JaFtFile *file);        /* (transfer full) */

/* <description xmlns='urn:xmpp:jingle:apps:file-transfer:5'> with exactly
 * one <file/>. */
JaFtFile *ja_ft_description_parse (const JaXmlNode *description,
    GError **error);
JaXmlNode *ja_ft_description_build (const JaFtFile *file); /* (transfer full) */

/* session-info <checksum creator name><file>…</file></checksum> (XEP-0234
 * §Checksum): the file carries at least one hash (maybe in its range). */
typedef struct {
  JaFtCreator creator;
  char *name;              /* content name, NULL when absent */
  JaFtFile *file;          /* owned, never NULL */
} JaFtChecksum;

JaFtChecksum *ja_ft_checksum_parse (const JaXmlNode *checksum,
    GError **error);
JaXmlNode *ja_ft_checksum_build (JaFtCreator creator, const char *name,
    const JaFtFile *file);                                  /* (transfer full) */
void ja_ft_checksum_free (JaFtChecksum *checksum);

/* session-info <received creator name/> (XEP-0234 §Received). *name is
 * (transfer full), NULL when absent. */
gboolean ja_ft_received_parse (const JaXmlNode *received,
    JaFtCreator *creator, char **name, GError **error);
JaXmlNode *ja_ft_received_build (JaFtCreator creator, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaFtFile, ja_ft_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaFtChecksum, ja_ft_checksum_free)

G_END_DECLS
