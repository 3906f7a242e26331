/* ibb-codec.h — pure parse/build of the XEP-0047 In-Band Bytestreams
 * elements <open/>, <data/> and <close/> (namespace JA_NS_IBB). No I/O, no
 * main loop: the session (ibb-session.c) and the fuzz target use it. Every
 * failure is a GError in JA_XMPP_ERROR carrying the condition XEP-0047 §2
 * names, ready for ja_xmpp_stream_reply_error(). */
#pragma once

#include <glib.h>
#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

#define JA_IBB_MAX_SID_LEN 128         /* bytes; our bound, XEP-0047 has none */
#define JA_IBB_MAX_BLOCK_SIZE 65535    /* XEP-0047 §2.1 */
#define JA_IBB_DEFAULT_BLOCK_SIZE 4096 /* XEP-0047 §6 recommends 4096 */

/* The 'stanza' attribute of <open/> (XEP-0047 §2.1). */
typedef enum {
  JA_IBB_STANZA_IQ,
  JA_IBB_STANZA_MESSAGE,
} JaIbbStanza;

const char *ja_ibb_stanza_to_string (JaIbbStanza stanza);
/* Unknown values are a BAD_REQUEST GError. */
gboolean ja_ibb_stanza_from_string (const char *text, JaIbbStanza *out,
    GError **error);

/* A parsed <open/>. */
typedef struct {
  char *sid;
  guint16 block_size;
  JaIbbStanza stanza;
} JaIbbOpen;

void ja_ibb_open_free (JaIbbOpen *open);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaIbbOpen, ja_ibb_open_free)

/* Parses an <open/> element (transfer full). Errors (XEP-0047 §2.1):
 * - missing/invalid sid (not an NMTOKEN, over JA_IBB_MAX_SID_LEN bytes),
 *   missing or malformed block-size, block-size 0, unknown stanza value:
 *   BAD_REQUEST;
 * - block-size over 65535: NOT_ACCEPTABLE;
 * - block-size over max_block_size (the responder's preference, ≤ 65535):
 *   RESOURCE_CONSTRAINT ("prefers smaller chunks");
 * - stanza='message': NOT_ACCEPTABLE (we only carry data in IQs). */
JaIbbOpen *ja_ibb_open_parse (const JaXmlNode *open, guint16 max_block_size,
    GError **error);
/* <open xmlns=ibb sid block-size stanza='iq'/> (transfer full). */
JaXmlNode *ja_ibb_open_build (const char *sid, guint16 block_size);

/* Parses the attributes of a <data/> element: sid (borrowed from the node)
 * and seq (0…65535). Missing or malformed: BAD_REQUEST. */
gboolean ja_ibb_data_parse (const JaXmlNode *data, const char **sid,
    guint16 *seq, GError **error);

/* The longest base64 text of one block (without whitespace). */
gsize ja_ibb_base64_len (guint16 block_size);

/* Decodes the base64 text of a <data/> element (RFC 4648 §4, padded) into
 * out, which holds at least block_size bytes; *out_len gets the decoded size.
 * XML whitespace is skipped (XEP-0047's own example wraps lines) but bounded.
 * BAD_REQUEST for a character outside the base64 alphabet, misplaced or
 * excess padding, a length that is not a multiple of 4, text longer than the
 * base64 of block_size, or a decoded size over block_size. */
gboolean ja_ibb_data_decode (const char *text, gsize text_len,
    guint16 block_size, guint8 *out, gsize out_size, gsize *out_len,
    GError **error);

/* <data xmlns=ibb sid seq>base64</data> (transfer full). */
JaXmlNode *ja_ibb_data_build (const char *sid, guint16 seq, const guint8 *data,
    gsize len);

/* The sequence number after seq: wraps from 65535 to 0 (XEP-0047 §2.2). */
static inline guint16
ja_ibb_seq_next (guint16 seq)
{
  return (guint16) (seq + 1u);
}

/* Parses <close/>: sid borrowed from the node; BAD_REQUEST when invalid. */
gboolean ja_ibb_close_parse (const JaXmlNode *close, const char **sid,
    GError **error);
JaXmlNode *ja_ibb_close_build (const char *sid); /* (transfer full) */

/* TRUE when sid is a valid IBB session id: a non-empty XML NMTOKEN of at
 * most JA_IBB_MAX_SID_LEN bytes. */
gboolean ja_ibb_sid_is_valid (const char *sid);

G_END_DECLS
