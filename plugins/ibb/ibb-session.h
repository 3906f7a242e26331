/* ibb-session.h — one XEP-0047 In-Band Bytestream as a GIOStream: reads and
 * writes run asynchronously on the main context of the JaXmppStream (the
 * synchronous calls fail with G_IO_ERROR_NOT_SUPPORTED). Sessions are made
 * by JaIbbManager (ibb-manager.h): ja_ibb_manager_open_async() on the
 * initiator, ja_ibb_manager_accept_async() on the responder.
 *
 * Writes go out as <data/> IQs, at most `window` of them unacknowledged, so
 * a writer never has more than window × block-size bytes buffered. The
 * receiver acknowledges a block only while its unread buffer is below the
 * receive limit, which stalls a fast writer behind a slow reader. Closing
 * the output (or the GIOStream) waits for every block's acknowledgement
 * and then sends <close/>; the peer's <close/> is EOF for reads. A bad
 * block (wrong seq, not base64, too big) closes the bytestream and fails
 * reads with the JA_XMPP_ERROR condition that was sent to the peer. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Measured against Prosody 0.12 on loopback (tests/integration/test-ibb.c,
 * /ibb/measure): see ibb-session.c for the figures. */
#define JA_IBB_DEFAULT_WINDOW 8
#define JA_IBB_MAX_WINDOW 64
#define JA_IBB_DEFAULT_RECEIVE_BUFFER (256 * 1024)

#define JA_TYPE_IBB_SESSION (ja_ibb_session_get_type ())
G_DECLARE_FINAL_TYPE (JaIbbSession, ja_ibb_session, JA, IBB_SESSION, GIOStream)

const char *ja_ibb_session_get_sid (JaIbbSession *self);
const char *ja_ibb_session_get_peer (JaIbbSession *self);
guint16 ja_ibb_session_get_block_size (JaIbbSession *self);

/* Data IQs in flight (1…JA_IBB_MAX_WINDOW); applies to later writes. */
void ja_ibb_session_set_window (JaIbbSession *self, guint window);
guint ja_ibb_session_get_window (JaIbbSession *self);
/* Unread bytes above which received blocks are not acknowledged (at least
 * one block-size). */
void ja_ibb_session_set_receive_buffer (JaIbbSession *self, gsize bytes);

/* Counters for tests and progress: bytes written but not yet acknowledged
 * (now and the peak), bytes received but not yet read (now and the peak). */
gsize ja_ibb_session_get_unacked_bytes (JaIbbSession *self);
gsize ja_ibb_session_get_max_unacked_bytes (JaIbbSession *self);
gsize ja_ibb_session_get_buffered_bytes (JaIbbSession *self);
gsize ja_ibb_session_get_max_buffered_bytes (JaIbbSession *self);

/* Test hook: damage the next block this session sends. */
typedef enum {
  JA_IBB_CORRUPT_NONE,
  JA_IBB_CORRUPT_BASE64,    /* a character outside the base64 alphabet */
  JA_IBB_CORRUPT_SEQ,       /* skip one sequence number */
  JA_IBB_CORRUPT_OVERSIZE,  /* one byte more than block-size */
} JaIbbCorruption;

void ja_ibb_session_corrupt_next_block (JaIbbSession *self,
    JaIbbCorruption kind);

G_END_DECLS
