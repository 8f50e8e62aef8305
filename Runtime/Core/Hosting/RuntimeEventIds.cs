namespace MicroSeg.Runtime.Hosting;

/// <summary>Event ids of the runtime's log messages (9000–9099), in one place.</summary>
internal static class RuntimeEventIds
{
    public const int ConnectionError = 9001;
    public const int GatewayClientConnected = 9002;
    public const int GatewayClientDisconnected = 9003;
    public const int GatewayListening = 9004;
    public const int GatewayBadRequest = 9005;
    public const int ClientConnected = 9010;
    public const int ClientConnectionLost = 9011;
    public const int ClientConnectFailed = 9012;
    public const int StatusObserverFailed = 9013;
    public const int ActivationFailed = 9020;
    public const int DeactivationFailed = 9021;
    public const int TimerCallbackFailed = 9022;
    public const int OneWayCallFailed = 9023;
    public const int ShutdownDeactivationIncomplete = 9024;
    public const int SiloConnected = 9030;
    public const int SiloConnectFailed = 9031;
    public const int SiloRequestRefused = 9032;
    public const int SiloListening = 9033;
    public const int MembershipJoined = 9040;
    public const int MembershipChanged = 9041;
    public const int MembershipDeclaredDead = 9042;
    public const int MembershipSelfDead = 9043;
    public const int MembershipTableError = 9044;
    public const int MembershipGossipFailed = 9045;
    public const int MembershipJoinUnacknowledged = 9046;
    public const int MembershipHandoverIncomplete = 9047;
    public const int StreamDeliveryFailed = 9060, StreamAgentError = 9061, StreamLogTrimmed = 9062, StreamLogTrimFailed = 9063, StreamRetentionCapDropped = 9064;
    public const int ReminderTickFailed = 9070, ReminderServiceError = 9071;
}
