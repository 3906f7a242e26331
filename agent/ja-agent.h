/* ja-agent.h — an XMPP account as a Jingle endpoint: the stream, the
 * registry with every plugin, the Jingle manager, the per-stream IBB
 * manager, the policy of who may offer us files, and finding a peer's
 * resource that does Jingle file transfer; the files it hands out on
 * request. */
#pragma once

#include <glib-object.h>

#include "plugins/file-transfer/ft-transfer.h"
#include "signalling/jingle/jingle-manager.h"
#include "signalling/xmpp/xmpp-stream.h"

G_BEGIN_DECLS

#define JA_TYPE_AGENT (ja_agent_get_type ())
G_DECLARE_FINAL_TYPE (JaAgent, ja_agent, JA, AGENT, GObject)

/**
 * ja_agent_new:
 * @stream: a stream not connected yet (a reference is taken)
 *
 * Registers every plugin and advertises its features on @stream, so that
 * they are in the first presence.
 *
 * Returns: (transfer full): the agent
 * Since: 0.1
 */
JaAgent *ja_agent_new (JaXmppStream *stream);

/**
 * ja_agent_get_stream: (transfer none)
 * Since: 0.1
 */
JaXmppStream *ja_agent_get_stream (JaAgent *self);

/**
 * ja_agent_get_manager: (transfer none)
 * Since: 0.1
 */
JaJingleManager *ja_agent_get_manager (JaAgent *self);

/**
 * ja_agent_allow:
 * @jid: a bare JID (any resource) or a full JID (that one only)
 *
 * Policy: who may offer us sessions. Our own account's other resources
 * always may. Since: 0.1
 */
void ja_agent_allow (JaAgent *self, const char *jid);

/**
 * ja_agent_is_allowed:
 * @full_jid: the peer
 *
 * Returns: whether the policy lets @full_jid offer us a session
 * Since: 0.1
 */
gboolean ja_agent_is_allowed (JaAgent *self, const char *full_jid);

/**
 * ja_agent_set_receive_dir:
 * @dir: (nullable): where accepted files go; NULL: decline every offer
 * @max_size: the largest file accepted, 0 for no limit
 *
 * Policy for incoming file offers (XEP-0234): an offer from a peer that
 * ja_agent_is_allowed() refuses, over @max_size, without a size while
 * @max_size is set, or larger than the free space in @dir is declined
 * (session-terminate <decline/>, signal "transfer-declined") before a byte
 * moves; a session with another application is answered with
 * <unsupported-applications/>. Otherwise each file's transfer is announced
 * with "transfer-offered" and the session is accepted; a file whose
 * unfinished NAME.part is in @dir is resumed (ja_ft_transfer_find_resume:
 * the session-accept asks for the rest with <range offset/>, and the free
 * space needs to hold only the rest). Unavailable presence from a peer's
 * resource ends its incoming sessions (connectivity-error), which keeps
 * their parts.
 *
 * Signals:
 *   "transfer-offered" (JaFtTransfer *transfer, const char *peer): about to
 *       be accepted; connect to the transfer's signals now.
 *   "transfer-declined" (const char *peer, const char *reason).
 *
 * Since: 0.1
 */
void ja_agent_set_receive_dir (JaAgent *self, const char *dir,
    guint64 max_size);

/**
 * ja_agent_serve_file:
 * @path: a readable regular file
 * @name: (nullable): the name requesters ask for; NULL: the basename of @path
 * @size: its size in bytes
 * @hashes: its hashes (at least SHA-256; ja_ft_hash_file_async), copied
 *
 * Policy for incoming file requests (XEP-0234 §Requesting a File): a peer
 * that ja_agent_is_allowed() lets in is sent this file when its request
 * names it (the name, if given, and every hash value given must match).
 * Any other request (not served, or a peer not allowed: the same answer, so
 * it learns nothing) ends with <failed-application/> "file not available"
 * and "transfer-declined". A request that is granted is announced with
 * "transfer-requested" (JaFtTransfer *transfer, const char *peer) before
 * the session is accepted; connect to the transfer's signals then.
 *
 * Since: 0.1
 */
void ja_agent_serve_file (JaAgent *self, const char *path, const char *name,
    guint64 size, const JaFtHashList *hashes);

/**
 * ja_agent_set_answer_presence:
 *
 * When on, an allowed peer's directed presence is answered with our own
 * directed presence (with caps), so that a peer without a roster
 * subscription can find this resource. Since: 0.1
 */
void ja_agent_set_answer_presence (JaAgent *self, gboolean answer);

/**
 * ja_agent_set_call_answer:
 * @answer: take calls (XEP-0167 audio) from allowed peers
 * @delay_ms: ring this long first (session-info ringing / XEP-0353
 *     ringing), 0: answer at once
 *
 * Policy for incoming calls. An allowed peer's call is announced with
 * "call-incoming" (JaCall *call) and answered; any other is declined
 * ("call-declined" (const char *peer, const char *why)). XEP-0353
 * proposals from allowed peers ring, then proceed; a retract or our other
 * device answering first emits "call-missed" (const char *peer, const
 * char *why). Call it once connected (it enables XEP-0280 carbons).
 * Since: 0.1
 */
void ja_agent_set_call_answer (JaAgent *self, gboolean answer,
    guint delay_ms);

/**
 * ja_agent_set_max_calls:
 * @max_calls: calls at once, 0 (the default): no limit
 *
 * While @max_calls incoming calls are in progress (ringing, proposed
 * through XEP-0353 or connected), another allowed caller's call is
 * declined with the Jingle reason busy (an XEP-0353 proposal with a reject
 * carrying busy) and "call-declined" is emitted; the calls in progress go
 * on. Since: 0.1
 */
void ja_agent_set_max_calls (JaAgent *self, guint max_calls);

/**
 * ja_agent_find_peer_async:
 * @bare_jid: the peer's account
 * @timeout_ms: how long to look
 *
 * Sends directed presence to @bare_jid and asks each resource that answers
 * (disco#info) whether it does Jingle file transfer over IBB; completes
 * with the first that does, or G_IO_ERROR_TIMED_OUT. Since: 0.1
 */
void ja_agent_find_peer_async (JaAgent *self, const char *bare_jid,
    guint timeout_ms, GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
/**
 * ja_agent_find_peer_finish:
 *
 * Returns: (transfer full): the full JID, or NULL with @error set
 * Since: 0.1
 */
char *ja_agent_find_peer_finish (JaAgent *self, GAsyncResult *res,
    GError **error);

/**
 * ja_agent_find_peer_with_async:
 * @features: (array zero-terminated=1): what the resource must list
 * @what: names the service in the timeout error ("Jingle audio calls")
 *
 * ja_agent_find_peer_async() for other services. Since: 0.1
 */
void ja_agent_find_peer_with_async (JaAgent *self, const char *bare_jid,
    const char *const *features, const char *what, guint timeout_ms,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
/**
 * ja_agent_find_peer_with_finish:
 * @features: (out) (optional) (transfer full): every feature it lists
 *
 * Returns: (transfer full): the full JID, or NULL with @error set
 * Since: 0.1
 */
char *ja_agent_find_peer_with_finish (JaAgent *self, GAsyncResult *res,
    char ***features, GError **error);

/**
 * ja_agent_shutdown:
 *
 * Drops the per-stream state that references the stream (call before the
 * last unref). Since: 0.1
 */
void ja_agent_shutdown (JaAgent *self);

G_END_DECLS
