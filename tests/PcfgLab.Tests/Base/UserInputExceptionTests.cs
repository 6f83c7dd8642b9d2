namespace PcfgLab.Tests.Base;

public sealed class UserInputExceptionTests
{
    [Fact]
    public void A_message_without_parameters_renders_as_it_is()
    {
        var error = new UserInputException("'x.json' is not a dataset manifest");

        Assert.Empty(error.Parameters);
        Assert.Equal("'x.json' is not a dataset manifest", error.Render(_ => throw new InvalidOperationException("no parameter to name")));
    }

    [Fact]
    public void A_parameters_message_names_the_library_parameters_and_renders_them_as_asked()
    {
        var threads = 0;
        var error = UserInputException.ForParameters($"{new Parameter("threads")} must be positive, got {threads}.");

        Assert.Equal("threads must be positive, got 0.", error.Message);
        Assert.Equal(["threads"], error.Parameters);
        Assert.Equal("--threads must be positive, got 0.", error.Render(name => "--" + name));
    }

    [Fact]
    public void A_qualified_name_is_shown_bare_but_rendered_from_its_qualified_form()
    {
        var error = UserInputException.ForParameters($"{new Parameter("PredictionIntervalOptions.Resamples")} 1: need at least 2 resamples");

        Assert.Equal("Resamples 1: need at least 2 resamples", error.Message);
        Assert.Equal(["PredictionIntervalOptions.Resamples"], error.Parameters);
        Assert.Equal("--intervals 1: need at least 2 resamples", error.Render(name => name == "PredictionIntervalOptions.Resamples" ? "--intervals" : "?"));
    }

    [Fact]
    public void Values_keep_their_braces_and_are_formatted_invariantly()
    {
        var template = "python3 train.py --cell {cell}";
        var ratio = 0.5;
        var error = UserInputException.ForParameters($"{new Parameter("template")} '{template}' is odd at {ratio:F3}; several: {new Parameter("a")}, {new Parameter("b")}");

        Assert.Equal("template 'python3 train.py --cell {cell}' is odd at 0.500; several: a, b", error.Message);
        Assert.Equal("T 'python3 train.py --cell {cell}' is odd at 0.500; several: A, B", error.Render(name => name.ToUpperInvariant()[..1]));
    }

    [Fact]
    public void A_prefix_goes_before_the_message_keeping_the_parameters_and_the_cause()
    {
        var plain = new UserInputException("too few runs");
        var named = UserInputException.ForParameters($"{new Parameter("Resamples")} 1: use 0 (none) or at least 2 resamples");

        var outerPlain = plain.WithPrefix("dataset 'a': ");
        var outerNamed = named.WithPrefix("dataset '{x}': ");

        Assert.Equal("dataset 'a': too few runs", outerPlain.Message);
        Assert.Same(plain, outerPlain.InnerException);
        Assert.Equal("dataset '{x}': Resamples 1: use 0 (none) or at least 2 resamples", outerNamed.Message);
        Assert.Equal("dataset '{x}': --bootstrap 1: use 0 (none) or at least 2 resamples", outerNamed.Render(_ => "--bootstrap"));
        Assert.Same(named, outerNamed.InnerException);
    }

    [Fact]
    public void A_cause_is_kept()
    {
        var cause = new IOException("disk");

        Assert.Same(cause, UserInputException.ForParameters($"{new Parameter("path")} is unreadable", cause).InnerException);
    }
}
