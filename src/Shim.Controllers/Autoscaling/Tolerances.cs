namespace Shim.Controllers.Autoscaling;

/// <summary>How far the usage ratio may stray from 1 before the HPA acts, down and up (upstream default 0.1 both ways).</summary>
public readonly record struct Tolerances(double ScaleDown, double ScaleUp)
{
    public bool IsWithin(double usageRatio) => 1.0 - ScaleDown <= usageRatio && usageRatio <= 1.0 + ScaleUp;
}
