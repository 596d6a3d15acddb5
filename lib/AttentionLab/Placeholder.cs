namespace AttentionLab; internal static class Placeholder {}
