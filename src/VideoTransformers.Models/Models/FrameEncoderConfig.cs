namespace VideoTransformers.Models;

/// <summary>The end-to-end frame encoder of ActionBERT and CNN-LSTM: frames [C, H, W] → F features.</summary>
/// <param name="Channels">Frame channels.</param>
/// <param name="Height">Frame height.</param>
/// <param name="Width">Frame width.</param>
/// <param name="CnnWidth">Width of the CNN's first stage.</param>
public sealed record FrameEncoderConfig(long Channels, long Height, long Width, long CnnWidth = 32);
