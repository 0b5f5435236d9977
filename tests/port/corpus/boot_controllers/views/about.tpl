<h1>{title}</h1>
<p>{count} notes, {missing} nothing else.</p>
