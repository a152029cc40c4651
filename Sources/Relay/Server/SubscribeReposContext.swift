import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The WebSocket router's request context, keeping the connection's NIO channel so subscribeRepos
/// can put its `FirehoseChannelSink` on it (hummingbird-websocket's writer sends a frame per
/// event-loop hop and flush; the firehose wants a batch per write).
struct SubscribeReposContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }
}
