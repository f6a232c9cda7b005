using Shim.Model.Autoscaling.V2;

namespace Shim.Controllers.Autoscaling;

/// <summary>The HPA condition types and how one is set (lastTransitionTime moves only when the status flips).</summary>
public static class HpaConditions
{
    public const string AbleToScale = "AbleToScale";
    public const string ScalingActive = "ScalingActive";
    public const string ScalingLimited = "ScalingLimited";

    public static void Set(HorizontalPodAutoscaler hpa, string type, bool status, string reason, string message, DateTimeOffset now)
    {
        var conditions = (hpa.Status ??= new HorizontalPodAutoscalerStatus()).Conditions ??= [];
        var condition = conditions.FirstOrDefault(c => c.Type == type);
        if (condition is null)
        {
            condition = new HorizontalPodAutoscalerCondition { Type = type };
            conditions.Add(condition);
        }

        var value = status ? "True" : "False";
        if (condition.Status != value)
        {
            condition.LastTransitionTime = new DateTimeOffset(now.UtcDateTime.Ticks - (now.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        }

        condition.Status = value;
        condition.Reason = reason;
        condition.Message = message;
    }
}
