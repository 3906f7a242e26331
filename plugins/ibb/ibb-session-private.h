/* ibb-session-private.h — internals shared by the IBB manager, the session
 * and its two stream halves (ibb-input-stream.c, ibb-output-stream.c). */
#pragma once

#include "plugins/ibb/ibb-manager.h"
#include "plugins/ibb/ibb-session.h"
#include "signalling/xml/xml-node.h"

G_BEGIN_DECLS

/* Received blocks we may hold unacknowledged before calling the peer's
 * sender abusive (a well-behaved one stops at its window). */
#define JA_IBB_MAX_DEFERRED_ACKS (2 * JA_IBB_MAX_WINDOW)

/* Manager side: the registry of live sessions, keyed by (peer, sid). */
void ja_ibb_manager_add_session (JaIbbManager *self, JaIbbSession *session);
void ja_ibb_manager_remove_session (JaIbbManager *self, JaIbbSession *session);
gsize ja_ibb_manager_get_receive_buffer (JaIbbManager *self);
guint ja_ibb_manager_get_window (JaIbbManager *self);

/* Session side. new registers the session with the manager (open state). */
JaIbbSession *ja_ibb_session_new (JaIbbManager *manager, const char *peer,
    const char *sid, guint16 block_size);   /* (transfer full) */
/* A <data/> IQ for this session; FALSE with error for an error reply.
 * *deferred when the session answers itself: the ack waits for room, or a
 * bad block was refused and the bytestream closed. */
gboolean ja_ibb_session_handle_data (JaIbbSession *self, const JaXmlNode *iq,
    const JaXmlNode *data, gboolean *deferred, GError **error);
/* The peer's <close/>: EOF for reads, writes fail. */
void ja_ibb_session_handle_close (JaIbbSession *self);

/* Called by the stream halves; each task is completed exactly once. */
void ja_ibb_session_read (JaIbbSession *self, void *buffer, gsize count,
    GTask *task /* (transfer full) */);
void ja_ibb_session_write (JaIbbSession *self, const void *buffer, gsize count,
    GTask *task /* (transfer full) */);
void ja_ibb_session_close_output (JaIbbSession *self,
    GTask *task /* (transfer full) */);
/* Synchronous, abortive: send <close/> without waiting, fail pending I/O. */
void ja_ibb_session_abort (JaIbbSession *self);

#define JA_TYPE_IBB_INPUT_STREAM (ja_ibb_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (JaIbbInputStream, ja_ibb_input_stream, JA,
    IBB_INPUT_STREAM, GInputStream)
#define JA_TYPE_IBB_OUTPUT_STREAM (ja_ibb_output_stream_get_type ())
G_DECLARE_FINAL_TYPE (JaIbbOutputStream, ja_ibb_output_stream, JA,
    IBB_OUTPUT_STREAM, GOutputStream)

/* The halves point back at the session without a reference; the session
 * detaches them when it goes away (its operations then fail CLOSED). */
GInputStream *ja_ibb_input_stream_new (JaIbbSession *session);
void ja_ibb_input_stream_detach (JaIbbInputStream *self);
GOutputStream *ja_ibb_output_stream_new (JaIbbSession *session);
void ja_ibb_output_stream_detach (JaIbbOutputStream *self);

G_END_DECLS
